// Notification.permission vs permissions.query: headless Chrome famously answers
// "denied" for one and "prompt" for the other.
import type { EnvSource } from "../env";
import type { Environment } from "../types";

export const permissions: EnvSource = {
  async collect(win) {
    const out: Partial<Environment> = {};
    const N = (win as Window & { Notification?: { permission: string } }).Notification;
    if (N && ["default", "granted", "denied"].includes(N.permission)) {
      out.notification_permission = N.permission as Environment["notification_permission"];
    }
    const p = win.navigator.permissions;
    if (!p) throw new Error("permissions API unavailable");
    const status = await p.query({ name: "notifications" as PermissionName });
    if (["prompt", "granted", "denied"].includes(status.state)) {
      out.permissions_query = status.state as Environment["permissions_query"];
    }
    return out;
  },
};
