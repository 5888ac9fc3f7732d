"""The pages `make loadtest` sends visitors to (scripts/loadtest starts gunicorn and locust).

Each simulated visitor waits 0.5–2 s between pages and picks pages in these proportions: the
home page, searches (filters; one broad word), offers, commune profiles, the ranking of
communes, the API and the feeds (a search's RSS, the full JSON file, the full job feed polled
with its ETag, as aggregators do). Offer ids and INSEE codes come from LOADTEST_SAMPLE (one
JSON file written by scripts/loadtest from the database).
"""

import json
import os
import random
from urllib.parse import urlencode

from locust import HttpUser, between, task

SAMPLE = json.loads(open(os.environ["LOADTEST_SAMPLE"]).read())  # noqa: SIM115
RANKING = {
    "profession": "medecin_generaliste",
    "besoin": "important",
    "zonage": "souhaitable",
    "annonces": "souhaitable",
    "gare": "important",
    "hopital": "important",
}
SEARCHES = [
    {"profession": "infirmier", "departement": "23"},
    {"type": "remplacement", "region": "75", "logement": "on"},
    {"profession": "medecin_generaliste", "zonage": "ZIP"},
]


class Visitor(HttpUser):
    wait_time = between(0.5, 2)
    job_feed_etag = ""

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(3)
    def search_filters(self) -> None:
        self.client.get(f"/annonces/?{urlencode(random.choice(SEARCHES))}", name="search: filters")

    @task(3)
    def search_one_word(self) -> None:
        word = random.choice(["infirmier", "remplacement", "medecin"])
        self.client.get(f"/annonces/?q={word}", name="search: one word")

    @task(4)
    def offer(self) -> None:
        self.client.get(f"/annonces/{random.choice(SAMPLE['offers'])}/", name="offer")

    @task(2)
    def commune(self) -> None:
        self.client.get(
            f"/territoires/communes/{random.choice(SAMPLE['communes'])}/", name="commune profile"
        )

    @task(1)
    def ranking(self) -> None:
        self.client.get(f"/territoires/pour-moi/?{urlencode(RANKING)}", name="ranking")

    @task(2)
    def api(self) -> None:
        self.client.get(
            "/api/v1/offers?" + urlencode({"q": "remplacement", "departement": "23"}),
            name="API offers",
        )

    @task(1)
    def feed_rss(self) -> None:
        self.client.get("/diffusion/annonces.rss?departement=23", name="feed: RSS of a search")

    @task(1)
    def feed_json(self) -> None:
        self.client.get("/diffusion/annonces.json", name="feed: JSON (file)")

    @task(1)
    def feed_jobs_poll(self) -> None:
        headers = {"If-None-Match": self.job_feed_etag} if self.job_feed_etag else {}
        headers["Range"] = "bytes=0-65535"  # the first poll reads the head only
        with self.client.get(
            "/diffusion/annonces.xml",
            headers=headers,
            name="feed: job feed (ETag poll)",
            catch_response=True,
        ) as response:
            if response.status_code in {206, 304}:
                self.job_feed_etag = response.headers.get("ETag", self.job_feed_etag)
                response.success()
            else:
                response.failure(f"status {response.status_code}")
