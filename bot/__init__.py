"""Runtime: settings, bootstrap, dispatch, adapters and the command line."""
