# The Notes API as a container: `NOTES_SIGNING_KEY=$(scripts/dev-auth.sh key) docker compose --profile api up -d --build`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY Directory.Build.props Directory.Packages.props Notes.csproj .editorconfig ./
RUN dotnet restore Notes.csproj --use-current-runtime
COPY appsettings.json ./
COPY src ./src
RUN dotnet publish Notes.csproj -c Release --no-restore --use-current-runtime --self-contained false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
USER app
ENV ASPNETCORE_URLS=http://+:5000
EXPOSE 5000
ENTRYPOINT ["dotnet", "Notes.dll"]
