# One image for every app; APP picks which (intake, registry, routing, deadline, notification, gateway).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# patch-package applies these on npm ci (postinstall): see tools/infra/README.md, Gotchas.
COPY patches patches
COPY apps apps
COPY libs libs
COPY tools tools
COPY tsconfig.base.json tsconfig.json ./
RUN npm ci && npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
ARG APP
ENV APP=${APP}
USER node
# The same Node flags as npm start and the tests (package.json "shagym.appNodeFlags": a bounded heap).
CMD ["sh", "-c", "exec node $(node -p \"require('./package.json').shagym.appNodeFlags.join(' ')\") dist/apps/${APP}/main.js"]
