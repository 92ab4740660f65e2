#!/bin/sh
# Apply pending migrations, then replace this shell with the server so it receives SIGTERM.
set -e
node dist/src/migrate.js
exec node dist/src/main.js "$@"
