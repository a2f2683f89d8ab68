from certprep.cli.app import main

main()
