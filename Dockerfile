# The gateway and the demo providers as container images. Base images are arguments so that a machine without a
# registry can use locally made ones (k8s/build-image.sh); the defaults are the official .NET images:
#   docker build --target gateway -t ndxp/gateway:0.1.0 .
#   docker build --target demo-providers -t ndxp/demo-providers:0.1.0 .
# Both publish self-contained and ReadyToRun (a replica added under load starts from precompiled code), run as a
# numeric non-root user and write only to mounted volumes: /var/lib/ndxp (embedded store, generated keys, metering
# spool) and /tmp, so they run with a read-only root filesystem and every capability dropped. No secret is in an image:
# signing keys and connection strings come from the deployment (k8s/README.md).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
ARG NODE_IMAGE=node:22-bookworm-slim

# The console's front-end packages (Chart.js) at the versions package-lock.json pins: from the npm registry, unless
# the build context already holds them (a checkout that was built; k8s/build-image.sh, which has no Node image).
FROM ${NODE_IMAGE} AS web
WORKDIR /web
COPY src/Gateway/Web/ ./
RUN test -f node_modules/chart.js/dist/chart.umd.min.js || npm ci --no-audit --no-fund --loglevel=error

FROM ${SDK_IMAGE} AS build
WORKDIR /source
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Restore first, from the project files alone, so a code change reuses the restored packages.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Gateway/Gateway.csproj src/Gateway/
COPY src/Gateway.DemoProviders/Gateway.DemoProviders.csproj src/Gateway.DemoProviders/
RUN dotnet restore src/Gateway/Gateway.csproj -r linux-x64 -p:SelfContained=true -p:PublishReadyToRun=true
COPY config/registry.demo.json config/
COPY src/ src/
COPY --from=web /web/node_modules/ src/Gateway/Web/node_modules/
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -r linux-x64 --self-contained --no-restore -o /out/gateway \
 && dotnet publish src/Gateway.DemoProviders/Gateway.DemoProviders.csproj -c Release -r linux-x64 --self-contained \
      --no-restore -o /out/demo-providers \
 && mkdir /out/empty

FROM ${RUNTIME_IMAGE} AS demo-providers
WORKDIR /app
COPY --from=build /out/demo-providers/ ./
ENV HOME=/tmp
USER 10001:10001
EXPOSE 5100
# DEMO ONLY: synthetic population, enterprise and insurance providers for trying the gateway.
ENTRYPOINT ["/app/Ndxp.Gateway.DemoProviders"]
CMD ["http://0.0.0.0:5100"]

# The default target, last.
FROM ${RUNTIME_IMAGE} AS gateway
WORKDIR /app
COPY --from=build /out/gateway/ ./
# The data folder belongs to the gateway's user, so an empty volume mounted there (or the image's own folder, when
# run without one) is writable by it.
COPY --from=build --chown=10001:10001 /out/empty/ /var/lib/ndxp/
ENV HOME=/tmp \
    Gateway__ListenAddress=0.0.0.0 \
    Gateway__DataDirectory=/var/lib/ndxp
USER 10001:10001
EXPOSE 8080 8081
VOLUME ["/var/lib/ndxp"]
ENTRYPOINT ["/app/Ndxp.Gateway"]
