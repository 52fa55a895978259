/** How this browser appears in the devices list: "Web — Firefox on macOS". */
export function browserDeviceName(userAgent: string = navigator.userAgent): string {
  return `Web — ${browserOf(userAgent)} on ${systemOf(userAgent)}`;
}

function browserOf(ua: string): string {
  if (/Edg\//.test(ua)) return 'Edge';
  if (/OPR\//.test(ua)) return 'Opera';
  if (/Firefox\//.test(ua)) return 'Firefox';
  if (/(Chrome|Chromium|CriOS)\//.test(ua)) return /HeadlessChrome/.test(ua) ? 'Chromium' : 'Chrome';
  if (/Safari\//.test(ua)) return 'Safari';
  return 'a browser';
}

function systemOf(ua: string): string {
  if (/iPhone|iPad|iPod/.test(ua)) return 'iOS';
  if (/Android/.test(ua)) return 'Android';
  if (/Mac OS X|Macintosh/.test(ua)) return 'macOS';
  if (/Windows/.test(ua)) return 'Windows';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Linux/.test(ua)) return 'Linux';
  return 'an unknown system';
}
