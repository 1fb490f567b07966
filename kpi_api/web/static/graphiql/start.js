// Starts GraphiQL against this server's /graphql (same origin: the page's CSP allows no other).
(function () {
  const fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", window.location.href).href });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
