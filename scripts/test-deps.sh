#!/usr/bin/env bash
# What the test suite needs besides npm packages: Debian's groovy (2.4), the reference parser the
# Jenkinsfile parser is checked against (test/parsers/jenkins/conformance.test.ts). Idempotent.
set -euo pipefail
if command -v groovy >/dev/null; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends groovy >/dev/null
