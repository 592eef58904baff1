# One image for web, worker and beat (docker-compose.yml picks the command).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
WORKDIR /app
COPY pyproject.toml README.md ./
COPY coachdesk coachdesk
COPY accounts accounts
COPY clients clients
COPY interviews interviews
COPY reminders reminders
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /app/node_modules node_modules
# collectstatic imports the production settings, which refuse to start without a secret and
# their addresses; these values never leave the build step (the real ones come from .env).
RUN SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(50))') \
    ALLOWED_HOSTS=build.invalid SITE_URL=https://build.invalid EMAIL_URL=smtp://build.invalid \
    python manage.py collectstatic --noinput
RUN useradd --create-home coachdesk && chown -R coachdesk /app
USER coachdesk
EXPOSE 8000
CMD ["gunicorn", "coachdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
