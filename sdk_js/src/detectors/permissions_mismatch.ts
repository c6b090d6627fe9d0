import { missing, type Detector } from "./types";

// Notification.permission "denied" while permissions.query says "prompt".
export const permissionsMismatch: Detector = {
  code: "env.permissions_mismatch",
  test(env) {
    if (env.notification_permission == null || env.permissions_query == null) return missing("permissions");
    return env.notification_permission === "denied" && env.permissions_query === "prompt";
  },
};
