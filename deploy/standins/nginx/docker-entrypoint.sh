#!/bin/sh
# The entry point of the nginx stand-in, with the official image's contract: when the command is nginx, the files in
# /docker-entrypoint.d run in version order, *.envsh sourced (what they export reaches nginx and the later files),
# *.sh executed; then the command replaces this shell.
set -e
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
    for file in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
        case $file in
            *.envsh)
                if [ -x "$file" ]; then echo "$0: sourcing $file"; . "$file"; else echo "$0: ignoring $file, not executable"; fi ;;
            *.sh)
                if [ -x "$file" ]; then echo "$0: running $file"; "$file"; else echo "$0: ignoring $file, not executable"; fi ;;
        esac
    done
    echo "$0: configuration complete; ready for start up"
fi
exec "$@"
