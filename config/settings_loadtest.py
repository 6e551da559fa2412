"""The load test's server (bench/load.py): the production settings plus one bare view that
returns a constant (config.urls_loadtest), the ceiling the public endpoints are compared to.
Never used to serve anything else."""

from config.settings_production import *  # noqa: F403

ROOT_URLCONF = "config.urls_loadtest"
