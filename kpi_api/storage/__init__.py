"""Storage: every table, the observation and catalogue stores, API tokens, the data
version, the engine and its migrations. Only the composition (bootstrap, app, cli) imports
it; the faces get its objects handed to them."""
