process.stderr.write('switchboard: the CLI is being built; see the README\n');
process.exit(1);
