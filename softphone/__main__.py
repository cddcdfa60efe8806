from softphone.cli import main

raise SystemExit(main())
