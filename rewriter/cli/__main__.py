from rewriter.cli.entry import run

run()
