// Widget CSS, adopted into the shadow root as a constructed stylesheet: no <style> or
// style attributes that a strict style-src would block. Colours meet WCAG AA (text 4.5:1,
// control borders 3:1) in both themes.
export const CSS = `
:host{all:initial;display:inline-block;font:14px/1.3 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
--bg:#fafafa;--fg:#1d1d1d;--muted:#505050;--line:#c8c8c8;--box:#6b6b6b;--ok:#0a7a33;--bad:#b3261e;--focus:#1a5fb4;--boxbg:#fff}
:host([data-theme=dark]){--bg:#232323;--fg:#f2f2f2;--muted:#c6c6c6;--line:#4f4f4f;--box:#a9a9a9;--ok:#6ad391;--bad:#ff8a80;--focus:#8ab4f8;--boxbg:#1a1a1a}
@media (prefers-color-scheme:dark){:host([data-theme=auto]){--bg:#232323;--fg:#f2f2f2;--muted:#c6c6c6;--line:#4f4f4f;--box:#a9a9a9;--ok:#6ad391;--bad:#ff8a80;--focus:#8ab4f8;--boxbg:#1a1a1a}}
:host([data-size=flexible]){display:block;min-width:300px}
:host([data-size=invisible]),:host([hidden]){display:none}
.w{box-sizing:border-box;width:300px;height:65px;display:flex;align-items:center;justify-content:space-between;gap:8px;
padding:0 12px;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:6px}
:host([data-size=flexible]) .w{width:100%}
:host([data-size=compact]) .w{width:150px;height:140px;flex-direction:column;justify-content:center;padding:10px;text-align:center}
.c{display:flex;align-items:center;gap:10px;cursor:pointer;min-width:0;user-select:none}
:host([data-size=compact]) .c{flex-direction:column;gap:8px}
.b{box-sizing:border-box;flex:none;width:26px;height:26px;border:2px solid var(--box);border-radius:4px;background:var(--boxbg);
display:grid;place-items:center;outline:none}
.b:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.b:hover{border-color:var(--fg)}
.l{overflow-wrap:anywhere}
.brand{flex:none;font-size:11px;color:var(--muted);text-align:end;max-width:96px}
:host([data-size=compact]) .brand{text-align:center;max-width:none;margin-top:10px}
.s{display:none;width:18px;height:18px;border:3px solid var(--line);border-top-color:var(--focus);border-radius:50%;
animation:r .8s linear infinite}
.k{display:none;width:7px;height:13px;border:solid var(--ok);border-width:0 3px 3px 0;transform:translateY(-2px) rotate(45deg)}
.x{display:none;color:var(--bad);font-weight:700;font-size:18px;line-height:1}
[data-state=verifying] .b{border-color:transparent;background:none}
[data-state=verifying] .s{display:block}
[data-state=success] .b{border-color:var(--ok)}
[data-state=success] .k{display:block}
[data-state=success] .l{color:var(--ok);font-weight:600}
[data-state=error] .x,[data-state=failed] .x{display:block}
[data-state=error] .b,[data-state=failed] .b{border-color:var(--bad)}
[data-state=error] .l,[data-state=failed] .l{color:var(--bad)}
.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@keyframes r{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.s{animation:none;border-color:var(--focus);border-style:dotted}}
`;
