#!/usr/bin/env bash
# Installs what docs/render_test.go needs to draw Mermaid diagrams with the
# real mermaid package: Debian's Chromium (/usr/bin/chromium), Node.js, and
# the npm packages pinned in package-lock.json (mermaid, puppeteer-core,
# which drives a browser it is given and downloads none). Installs only
# what is missing, so it is cheap to run before every test run; installing
# Debian packages needs root.
set -euo pipefail
cd "$(dirname "$0")"

. ../../scripts/lib.sh

[ -x /usr/bin/chromium ] || apt_install chromium
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm

# npm ci starts from scratch every time; skip it while node_modules holds
# exactly what the lock file pins (the stamp is the lock file it was made
# from).
stamp=node_modules/.kombugen-package-lock.json
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
	log "npm ci in tools/mermaid"
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	cp package-lock.json "$stamp"
fi
