// Widget strings. Order: label, verifying, success, failed, expired, error, brand, title.
type Strings = [string, string, string, string, string, string, string, string];

const T: Record<string, Strings> = {
  en: ["I am human", "Verifying…", "Success!", "Verification failed", "Expired. Verify again.", "Error. Try again.", "Protected by Palisade", "Security check"],
  de: ["Ich bin ein Mensch", "Überprüfung…", "Erfolgreich!", "Überprüfung fehlgeschlagen", "Abgelaufen. Erneut prüfen.", "Fehler. Erneut versuchen.", "Geschützt durch Palisade", "Sicherheitsprüfung"],
  fr: ["Je suis humain", "Vérification…", "Réussi !", "Échec de la vérification", "Expiré. Vérifiez à nouveau.", "Erreur. Réessayez.", "Protégé par Palisade", "Contrôle de sécurité"],
  es: ["Soy humano", "Verificando…", "¡Listo!", "Verificación fallida", "Caducado. Verifique de nuevo.", "Error. Inténtelo de nuevo.", "Protegido por Palisade", "Control de seguridad"],
  it: ["Sono umano", "Verifica in corso…", "Fatto!", "Verifica non riuscita", "Scaduto. Verifica di nuovo.", "Errore. Riprova.", "Protetto da Palisade", "Controllo di sicurezza"],
  pt: ["Sou humano", "A verificar…", "Sucesso!", "Falha na verificação", "Expirado. Verifique novamente.", "Erro. Tente novamente.", "Protegido por Palisade", "Verificação de segurança"],
  nl: ["Ik ben een mens", "Verifiëren…", "Gelukt!", "Verificatie mislukt", "Verlopen. Opnieuw verifiëren.", "Fout. Probeer opnieuw.", "Beschermd door Palisade", "Beveiligingscontrole"],
  pl: ["Jestem człowiekiem", "Weryfikacja…", "Gotowe!", "Weryfikacja nieudana", "Wygasło. Zweryfikuj ponownie.", "Błąd. Spróbuj ponownie.", "Chronione przez Palisade", "Kontrola bezpieczeństwa"],
  ru: ["Я человек", "Проверка…", "Готово!", "Проверка не пройдена", "Истекло. Проверьте снова.", "Ошибка. Повторите.", "Защищено Palisade", "Проверка безопасности"],
  uk: ["Я людина", "Перевірка…", "Готово!", "Перевірку не пройдено", "Минуло. Перевірте знову.", "Помилка. Повторіть.", "Захищено Palisade", "Перевірка безпеки"],
  tr: ["İnsanım", "Doğrulanıyor…", "Başarılı!", "Doğrulama başarısız", "Süresi doldu. Tekrar doğrulayın.", "Hata. Tekrar deneyin.", "Palisade ile korunuyor", "Güvenlik kontrolü"],
  ja: ["私は人間です", "確認中…", "完了！", "確認に失敗しました", "期限切れです。再確認してください。", "エラー。再試行してください。", "Palisade により保護", "セキュリティチェック"],
  zh: ["我是真人", "正在验证…", "成功！", "验证失败", "已过期，请重新验证。", "出错，请重试。", "由 Palisade 保护", "安全检查"],
  ko: ["사람입니다", "확인 중…", "완료!", "확인 실패", "만료됨. 다시 확인하세요.", "오류. 다시 시도하세요.", "Palisade로 보호됨", "보안 확인"],
  ar: ["أنا إنسان", "جارٍ التحقق…", "تم بنجاح!", "فشل التحقق", "انتهت الصلاحية. تحقق مجددًا.", "خطأ. حاول مرة أخرى.", "محمي بواسطة Palisade", "فحص أمني"],
};

export const LANGUAGES = Object.keys(T);
const RTL = new Set(["ar", "he", "fa", "ur"]);

export interface Messages {
  lang: string;
  dir: "ltr" | "rtl";
  label: string;
  verifying: string;
  success: string;
  failed: string;
  expired: string;
  error: string;
  brand: string;
  title: string;
}

/** Best match for a BCP 47 tag ("pt-BR" -> pt), English otherwise. */
export function messages(tag: string | null | undefined): Messages {
  const base = (tag ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  const lang = base in T ? base : "en";
  const [label, verifying, success, failed, expired, error, brand, title] = T[lang]!;
  return { lang, dir: RTL.has(lang) ? "rtl" : "ltr", label, verifying, success, failed, expired, error, brand, title };
}
