from edge_api.cli import main

raise SystemExit(main())
