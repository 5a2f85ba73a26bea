// The Node mail transport for manual tasks (nodemailer over SMTP), loaded only when used.
import type { Mailer } from '../types.ts';

export const nodemailerMailer: Mailer = async (smtp, message) => {
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure ?? false,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: message.from, to: message.to.join(', '), subject: message.subject, text: message.text });
  } finally {
    transport.close();
  }
};
