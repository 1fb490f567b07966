/* The embed page of a figure (/figures/{indicator}/{area}.html?embed=1) tells the page
   that frames it how tall it is, as Datawrapper's embeds post "datawrapper-height", so the
   host's iframe fits it with no inner scrollbar (the host's listener: kpi_api/web/links.py,
   HEIGHT_LISTENER, also in the README and on the share page). Optional: without script the
   embed page is whole and readable, in an iframe of the snippet's fixed height.

   The message holds only a number, so it may go to any parent ("*"): intranets are many. */
(function () {
  "use strict";
  if (window.parent === window) return; // opened on its own: nobody to tell
  var sent = 0;
  function post() {
    // The <html> element's own box, not the window's: the page's height, not the iframe's.
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === sent) return;
    sent = height;
    window.parent.postMessage({ "kommune-kpi-height": height }, "*");
  }
  // A wider or narrower iframe, or the data table's disclosure opened, changes the height.
  if ("ResizeObserver" in window) new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener("load", post);
  post();
})();
