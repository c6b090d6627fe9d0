"""The dev-mode demo site: same sitekey and secret across restarts and workers."""

from __future__ import annotations

from edge_api.keys import dev_secret
from edge_api.services import DemoSite, Services
from edge_api.sites import Mode, SiteCreate, SiteUpdate, new_secret, new_sitekey

__all__ = ["DEMO_HOSTNAMES", "ensure_demo_site"]

DEMO_HOSTNAMES = ["localhost", "127.0.0.1"]


async def ensure_demo_site(services: Services) -> DemoSite:
    data_dir = services.settings.data_dir
    demo = DemoSite(
        sitekey=dev_secret(data_dir, "demo_sitekey", new_sitekey),
        secret=dev_secret(data_dir, "demo_secret", new_secret),
    )
    # Recording people needs their approach and click: a managed site would pass most of
    # them at page load, before they moved.
    mode: Mode = "checkbox" if services.settings.record_people is not None else "managed"
    site = await services.sites.get(demo.sitekey)
    if site is None:
        await services.sites.create(
            SiteCreate(name="Palisade demo", hostnames=DEMO_HOSTNAMES, mode=mode),
            sitekey=demo.sitekey,
            secret=demo.secret,
        )
    elif mode == "checkbox" and site.mode != mode:
        await services.sites.update(demo.sitekey, SiteUpdate(mode=mode))
    return demo
