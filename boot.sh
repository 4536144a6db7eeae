#! /bin/sh
# Generates configure, Makefile.in and the build-aux/ helpers.
set -e
autoreconf --install --force
