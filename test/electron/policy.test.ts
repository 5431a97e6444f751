import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  allowNavigation,
  grantPermission,
  isAppUrl,
  isTrustedSender,
  originOf,
  windowOpenResponse,
  withContentSecurityPolicy,
} from '../../electron/policy.ts';

const app = 'http://127.0.0.1:43123';

describe('navigation and window.open policy', () => {
  it('knows the app origin exactly: scheme, host and port', () => {
    expect(originOf(`${app}/?token=abc`)).toBe(app);
    expect(isAppUrl(`${app}/assets/index.js`, app)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:43124/', app)).toBe(false);
    expect(isAppUrl('http://localhost:43123/', app)).toBe(false);
    expect(isAppUrl('https://127.0.0.1:43123/', app)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:43123@evil.example/', app)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('javascript:alert(1)', app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
    expect(isAppUrl(`${app}/`, '')).toBe(false);
  });

  it('allows navigation inside the app only', () => {
    expect(allowNavigation(`${app}/?token=new`, app)).toBe(true);
    expect(allowNavigation('https://example.com/', app)).toBe(false);
    expect(allowNavigation('data:text/html,<script>1</script>', app)).toBe(false);
  });

  it('denies every window.open and every permission', () => {
    expect(windowOpenResponse('https://example.com')).toEqual({ action: 'deny' });
    expect(windowOpenResponse(`${app}/`)).toEqual({ action: 'deny' });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen']) {
      expect(grantPermission(permission), permission).toBe(false);
    }
  });
});

describe('IPC sender check', () => {
  it('trusts only the top frame of an app page', () => {
    expect(isTrustedSender({ url: `${app}/?token=x`, parent: null }, app)).toBe(true);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, app)).toBe(false);
    expect(isTrustedSender({ url: `${app}/frame.html`, parent: { url: `${app}/`, parent: null } }, app)).toBe(false);
    expect(isTrustedSender(null, app)).toBe(false);
    expect(isTrustedSender(undefined, app)).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  it('is strict: self only, no eval, blob workers, loopback WebSockets', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('worker-src')).toBe("'self' blob:");
    expect(directives.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(directives.get('connect-src')).toBe("'self' ws://127.0.0.1:*");
    expect(directives.get('img-src')).toBe("'self' data:");
    expect(directives.get('font-src')).toBe("'self' data:");
    expect(directives.get('object-src')).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('replaces any CSP header of app responses and leaves others alone', () => {
    const headers = { 'content-type': ['text/html'], 'content-security-policy': ["default-src *"] };
    expect(withContentSecurityPolicy(`${app}/`, headers, app)).toEqual({
      'content-type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(withContentSecurityPolicy('https://other.example/', headers, app)).toEqual(headers);
    expect(withContentSecurityPolicy(`${app}/`, undefined, app)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(headers['content-security-policy']).toEqual(['default-src *']);
  });
});
