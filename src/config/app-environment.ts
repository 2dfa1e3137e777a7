import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import {
  IsGeminiApiKey,
  IsGmailClientId,
  IsGmailClientSecret,
  IsGmailRefreshToken,
  IsNotionApiKey,
} from '../infisical/index.js';

/**
 * Everything the sample app reads from its configuration, wherever it comes from (Infisical, the process
 * environment / `.env`, or the defaults below). Validated at bootstrap and on every refresh.
 */
export class AppEnvironment {
  /** HTTP port (Cloud Run sets it). Keep it out of Infisical: the platform decides it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  /** `text` (default) or `json` (one object per line with a `severity`, for Cloud Logging). */
  @IsIn(['text', 'json'])
  LOG_FORMAT: 'text' | 'json' = 'text';

  /** A non-secret value, to show that any key works. */
  @IsOptional()
  @IsString()
  APP_GREETING?: string;

  @IsGeminiApiKey()
  GEMINI_API_KEY!: string;

  @IsGmailClientId()
  GMAIL_CLIENT_ID!: string;

  @IsGmailClientSecret()
  GMAIL_CLIENT_SECRET!: string;

  @IsGmailRefreshToken()
  GMAIL_REFRESH_TOKEN!: string;

  @IsNotionApiKey()
  NOTION_API_KEY!: string;
}
