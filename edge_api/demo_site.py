"""The dev-mode demo site: same sitekey and secret across restarts and workers."""

from __future__ import annotations

from edge_api.keys import dev_secret
from edge_api.services import DemoSite, Services
from edge_api.sites import SiteCreate, new_secret, new_sitekey

__all__ = ["DEMO_HOSTNAMES", "ensure_demo_site"]

DEMO_HOSTNAMES = ["localhost", "127.0.0.1"]


async def ensure_demo_site(services: Services) -> DemoSite:
    data_dir = services.settings.data_dir
    demo = DemoSite(
        sitekey=dev_secret(data_dir, "demo_sitekey", new_sitekey),
        secret=dev_secret(data_dir, "demo_secret", new_secret),
    )
    if await services.sites.get(demo.sitekey) is None:
        await services.sites.create(
            SiteCreate(name="Palisade demo", hostnames=DEMO_HOSTNAMES, mode="managed"),
            sitekey=demo.sitekey,
            secret=demo.secret,
        )
    return demo
