from rewriter.cli.entry import main

main()
