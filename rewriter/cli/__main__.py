from rewriter.cli.app import main

main()
