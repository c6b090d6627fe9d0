"""Pages written the way hCaptcha, Turnstile and reCAPTCHA document them, with only the
script URL changed, work against Palisade (with those services' test keys where they exist).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ServePage, js_await, make_site, script_url, siteverify
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

HCAPTCHA_SITEKEY = "10000000-ffff-ffff-ffff-000000000001"
HCAPTCHA_SECRET = "0x0000000000000000000000000000000000000000"
HCAPTCHA_TOKEN = "10000000-aaaa-bbbb-cccc-000000000001"
TURNSTILE_PASS = "1x00000000000000000000AA"
TURNSTILE_SECRET = "1x0000000000000000000000000000000AA"
TURNSTILE_TOKEN = "XXXX.DUMMY.TOKEN.XXXX"


def form_field(page: Page, name: str, form: str = "form") -> str:
    return str(page.evaluate(f"new FormData(document.querySelector({form!r})).get({name!r})"))


def test_hcaptcha_page(server: LiveServer, page: Page, serve_page: ServePage) -> None:
    # https://docs.hcaptcha.com/#add-the-hcaptcha-widget-to-your-webpage
    serve_page(f"""<html>
  <head>
    <title>hCaptcha Demo</title>
    <script src="{script_url(server, "compat=hcaptcha")}" async defer></script>
  </head>
  <body>
    <form action="" method="POST">
      <input type="text" name="email" placeholder="Email" />
      <input type="password" name="password" placeholder="Password" />
      <div class="h-captcha" data-sitekey="{HCAPTCHA_SITEKEY}"></div>
      <br />
      <input type="submit" value="Submit" />
    </form>
  </body>
</html>""")
    page.locator("[role=checkbox]").click()
    page.wait_for_function("hcaptcha.getResponse() !== ''")
    assert form_field(page, "h-captcha-response") == HCAPTCHA_TOKEN
    assert form_field(page, "g-recaptcha-response") == HCAPTCHA_TOKEN
    assert siteverify(server, HCAPTCHA_SECRET, HCAPTCHA_TOKEN)["success"] is True

    # Invisible, explicit render, execute with {async: true} (hCaptcha's documented shape).
    serve_page(f"""<html><head>
<script src="{script_url(server, "compat=hcaptcha&onload=yourFunction&render=explicit")}"
  async defer></script>
<script type="text/javascript">
  var yourFunction = function () {{
    window.widgetID = hcaptcha.render('captcha-1', {{
      sitekey: '{HCAPTCHA_SITEKEY}', size: 'invisible'
    }});
  }};
</script></head>
<body><form><div id="captcha-1"></div></form></body></html>""")
    page.wait_for_function("window.widgetID !== undefined")
    result = js_await(page, "() => hcaptcha.execute(widgetID, { async: true })")
    assert result == {"response": HCAPTCHA_TOKEN, "key": ""}


def test_turnstile_page(server: LiveServer, page: Page, serve_page: ServePage) -> None:
    # https://developers.cloudflare.com/turnstile/get-started/client-side-rendering/
    src = script_url(server, "compat=turnstile&onload=onloadTurnstileCallback")
    serve_page(f"""<!DOCTYPE html>
<html>
  <head>
    <script src="{src}" defer></script>
    <script>
      window.onloadTurnstileCallback = function () {{
        turnstile.render("#example-container", {{
          sitekey: "{TURNSTILE_PASS}",
          callback: function (token) {{
            window.explicitToken = token;
          }},
        }});
      }};
      function javascriptCallback(token) {{ window.implicitToken = token; }}
    </script>
  </head>
  <body>
    <form action="/login" method="POST">
      <input type="text" placeholder="username" />
      <input type="password" placeholder="password" />
      <div class="cf-turnstile" data-sitekey="{TURNSTILE_PASS}"
           data-callback="javascriptCallback"></div>
      <button type="submit" value="Submit">Log in</button>
    </form>
    <div id="example-container"></div>
  </body>
</html>""")
    page.wait_for_function("window.implicitToken && window.explicitToken")
    assert page.evaluate("[implicitToken, explicitToken]") == [TURNSTILE_TOKEN] * 2
    assert form_field(page, "cf-turnstile-response") == TURNSTILE_TOKEN
    assert page.evaluate("turnstile.isExpired()") is False
    answer = siteverify(server, TURNSTILE_SECRET, TURNSTILE_TOKEN, "/turnstile/v0/siteverify")
    assert answer["success"] is True


def test_recaptcha_v2_and_v3_pages(server: LiveServer, page: Page, serve_page: ServePage) -> None:
    sitekey, secret = make_site(server, mode="checkbox")
    # https://developers.google.com/recaptcha/docs/display
    serve_page(f"""<html>
  <head>
    <title>reCAPTCHA demo: Simple page</title>
    <script src="{script_url(server, "compat=recaptcha")}" async defer></script>
  </head>
  <body>
    <form action="?" method="POST">
      <div class="g-recaptcha" data-sitekey="{sitekey}"></div>
      <br/>
      <input type="submit" value="Submit">
    </form>
  </body>
</html>""")
    page.locator("[role=checkbox]").click()
    page.wait_for_function("grecaptcha.getResponse() !== ''")
    token = form_field(page, "g-recaptcha-response")
    answer = siteverify(server, secret, token, "/recaptcha/api/siteverify")
    assert answer["success"] is True

    # https://developers.google.com/recaptcha/docs/v3
    v3key, v3secret = make_site(server)
    serve_page(f"""<html><head>
<script src="{script_url(server, "compat=recaptcha&render=" + v3key)}"></script>
<script>
  function onClick(e) {{
    e.preventDefault();
    grecaptcha.ready(function() {{
      grecaptcha.execute('{v3key}', {{action: 'submit'}}).then(function(token) {{
        document.getElementById('out').value = token;
      }});
    }});
  }}
</script></head>
<body><form><input id="out" name="out"><button id="go">Submit</button></form>
<script>document.getElementById('go').addEventListener('click', onClick);</script>
</body></html>""")
    assert page.locator("palisade-widget").count() == 0  # v3 shows nothing by itself
    page.click("#go")
    expect(page.locator("#out")).not_to_have_value("", timeout=15_000)
    v3token = page.locator("#out").input_value()
    answer = siteverify(server, v3secret, v3token, "/recaptcha/api/siteverify")
    assert answer["success"] is True
    assert answer["action"] == "submit"
    assert 0.0 <= answer["score"] <= 1.0
