import { ConfigurableModuleBuilder, Inject, Injectable, Module } from '@nestjs/common';

/** What a database module's `forRootAsync` factory returns (the shape TypeORM, Mongoose or Bull take). */
export interface DatabaseOptions {
  type?: string;
  url: string;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<DatabaseOptions>().setClassMethodName('forRoot').build();

/** The connection a database module would open, from the options its factory returned. */
@Injectable()
export class DatabaseConnection {
  constructor(@Inject(MODULE_OPTIONS_TOKEN) readonly options: DatabaseOptions) {}
}

/**
 * A third-party module with the usual `forRootAsync({ imports, inject, useFactory })` (as `TypeOrmModule`,
 * `MongooseModule`, `BullModule`): its factory runs while the application's providers are being created.
 */
@Module({ providers: [DatabaseConnection], exports: [DatabaseConnection] })
export class DatabaseModule extends ConfigurableModuleClass {}
