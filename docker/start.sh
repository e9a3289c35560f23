#!/bin/sh
# The image's entry point: one role per container, extra arguments go to the server.
#   web      apply migrations, then gunicorn (WSGI): the HTTP API and the single-page app, :8000
#            (its control socket, for `gunicornc`, is /tmp/gunicorn.ctl: the app cannot write $HOME)
#   ws       uvicorn (ASGI): the websockets under /ws/, :8001
#   worker   Celery worker: PDF parsing and every other background task
#   beat     Celery beat: periodic cleanup tasks (run exactly one)
#   migrate  apply migrations, set up the bucket (CORS) and exit (for a release step)
# Why HTTP and websockets are served by different servers: docs/architecture.md.
set -eu

cd "$(dirname "$0")/.."

usage() {
    echo "usage: start.sh web|ws|worker|beat|migrate [extra arguments for the server]" >&2
    exit 2
}

[ "$#" -ge 1 ] || usage
role=$1
shift

case "$role" in
    web)
        # MIGRATE_ON_START=false when several web containers start at once and a release step migrates.
        if [ "${MIGRATE_ON_START:-true}" != "false" ]; then
            python manage.py migrate --noinput
            python manage.py storage_setup
        fi
        exec gunicorn scrollkeeper.wsgi:application \
            --bind "0.0.0.0:${PORT:-8000}" \
            --workers "${WEB_CONCURRENCY:-4}" \
            --access-logfile - \
            --control-socket /tmp/gunicorn.ctl \
            "$@"
        ;;
    ws)
        # Under ASGI every request runs in a thread of its own, so persistent database connections
        # would pile up until PostgreSQL refuses more ("too many clients").
        export DB_CONN_MAX_AGE=0
        # --workers is explicit because uvicorn would otherwise take WEB_CONCURRENCY, meant for gunicorn.
        exec uvicorn scrollkeeper.asgi:application \
            --host 0.0.0.0 \
            --port "${PORT:-8001}" \
            --workers "${WS_CONCURRENCY:-1}" \
            --lifespan off \
            "$@"
        ;;
    worker)
        # One pool process more than parse lanes (PARSE_LANES, the CPUs by default): while the lanes
        # parse, that one fetches and stores, so they never wait for storage or the database.
        lanes=${PARSE_LANES:-$(nproc)}
        exec celery -A scrollkeeper worker \
            --loglevel=INFO \
            --concurrency="${WORKER_CONCURRENCY:-$((lanes + 1))}" \
            --without-gossip \
            --without-mingle \
            "$@"
        ;;
    beat)
        # The schedule file only remembers last run times; the image's /app is read-only to the app.
        exec celery -A scrollkeeper beat \
            --loglevel=INFO \
            --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" \
            "$@"
        ;;
    migrate)
        python manage.py migrate --noinput "$@"
        exec python manage.py storage_setup
        ;;
    *)
        usage
        ;;
esac
