# One image for web, worker and beat (docker-compose.yml picks the command).
# Exact tags: a rebuild gets the same Node (24, the active LTS) and Python as the last one.
FROM node:24.18.0-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11.15-slim-bookworm
# The code runs from /app (PYTHONPATH), so only the locked dependencies are installed.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production PYTHONPATH=/app
WORKDIR /app
# Exact versions with their hashes (make lock): a changed or substituted file fails the build.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
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
