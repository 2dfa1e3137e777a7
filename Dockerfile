# syntax=docker/dockerfile:1
# Sample app image for Cloud Run. The build stage compiles TypeScript; the runtime stage carries the production
# dependencies and dist/ only, runs as the unprivileged "node" user and listens on $PORT (Cloud Run sets it).
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-app.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Fail the image build, not the Cloud Run revision, if a runtime dependency of the app is missing
# (@nestjs/platform-express is loaded lazily by NestFactory, so importing the module graph alone would not notice).
RUN node -e "Promise.all([import('./dist/app.module.js'), import('@nestjs/platform-express')]).catch((e) => { console.error(e.message); process.exit(1); })"
USER node
ENV PORT=8080
EXPOSE 8080
CMD ["node", "dist/main.js"]
