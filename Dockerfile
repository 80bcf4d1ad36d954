# A small image with only Node.js and glcr (no npm, no sources): for CI jobs, instead of downloading
# dist/cli.js with curl. Build from the repository root: docker build -t glcr:0.1.0 .
FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.js

FROM alpine:3.20
# node from the official image needs only libstdc++ and libgcc at run time.
RUN apk add --no-cache libstdc++ libgcc \
 && addgroup -S glcr && adduser -S -G glcr glcr
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /src/dist/cli.js /usr/local/lib/glcr/cli.js
RUN printf '#!/bin/sh\nexec /usr/local/bin/node /usr/local/lib/glcr/cli.js "$@"\n' > /usr/local/bin/glcr \
 && chmod 755 /usr/local/bin/glcr
USER glcr
# No ENTRYPOINT: GitLab Runner starts a shell in it.
CMD ["glcr", "help"]
