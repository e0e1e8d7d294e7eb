"""The shared reference's own example project (every file kind at once) loads as documented."""

from __future__ import annotations

import textwrap
from pathlib import Path

from contractforge.api import load_project

FILES = {
    "project.yaml": """
        name: acme_billing
        environments: {aws: environments/aws.environment.yaml}
        connections: {billing_pg: connections/billing_pg.yaml}
        defaults:
          schema_policy: {bronze: permissive, default: additive_only}
          operations: {technical_owner: data-platform}
          adapters:
            aws:
              catalog: acme
              schemas: {bronze: billing_bronze, silver: billing_silver, gold: billing_gold}
        deployment:
          aws: {state_machine_name: acme-billing}
        schedule:
          cron: "15 5 * * *"
          timezone: Europe/Berlin
          enabled: false
        execution_order:
          - name: b_invoices
            layer: bronze
            contracts: {aws: contracts/aws/bronze/b_invoices/b_invoices.ingestion.yaml}
          - name: b_customers
            layer: bronze
            contracts: {aws: contracts/aws/bronze/b_customers/b_customers.ingestion.yaml}
          - name: s_customer_billing
            layer: silver
            depends_on: [b_invoices]
            contracts: {aws: contracts/aws/silver/s_customer_billing/s_customer_billing.ingestion.yaml}
    """,
    "environments/aws.environment.yaml": """
        name: prod
        adapter: aws
        evidence: {database: acme_ops}
        artifacts:
          uri: s3://acme-cf-artifacts/billing/
          include_contract_bundle: true
          include_normalized_contract: true
        parameters:
          aws:
            iceberg: {warehouse: s3://acme-lakehouse/warehouse/}
            dependencies:
              additional_python_modules: pydantic>=2.7,eval-type-backport,PyYAML>=6
              extra_py_files:
                - s3://acme-cf-artifacts/libs/contractforge_core-0.2.0-py3-none-any.whl
            glue_job: {role_arn: arn:aws:iam::111122223333:role/CfGlue}
            step_functions: {role_arn: arn:aws:iam::111122223333:role/CfStates}
            scheduler: {role_arn: arn:aws:iam::111122223333:role/CfScheduler}
    """,
    "connections/billing_pg.yaml": """
        type: connector
        connector: postgres
        system: billing
        url: "{{ secret:acme-billing-pg/jdbc_url }}"
        auth:
          type: basic
          username: "{{ secret:acme-billing-pg/user }}"
          password: "{{ secret:acme-billing-pg/password }}"
        options: {driver: org.postgresql.Driver}
        read: {fetchsize: 10000}
    """,
    "contracts/aws/bronze/b_invoices/b_invoices.ingestion.yaml": """
        source:
          type: incremental_files
          system: billing_drop
          path: s3://acme-landing/billing/invoices/
          format: csv
          options: {header: true}
        target:
          catalog: acme
          schema: billing_bronze
          table: b_invoices
        layer: bronze
        mode: hash_diff_upsert
        merge_keys: [invoice_id]
        hash_keys: [customer_id, total, status, updated_at]
        schema_policy: additive_only
        transform:
          cast: {invoice_id: BIGINT, total: "DECIMAL(18,2)"}
          standardize:
            status: {trim: true, lower: true, empty_as_null: true}
          derive:
            loaded_at_utc: CURRENT_TIMESTAMP()
        quality_rules:
          not_null: [invoice_id, customer_id]
          unique_key: [invoice_id]
          accepted_values: {status: [open, paid, void]}
          expressions:
            - {name: non_negative_total, expression: "total >= 0", severity: quarantine}
        extensions:
          aws:
            glue_job: {number_of_workers: 4, timeout_minutes: 30}
    """,
    "contracts/aws/bronze/b_invoices/b_invoices.annotations.yaml": """
        table:
          description: Invoices landed from the billing drop zone.
          tags: {domain: billing, layer: bronze}
          aliases: [invoices_raw]
        columns:
          customer_email:
            description: Billing contact.
            pii: {enabled: true, type: email, sensitivity: confidential}
    """,
    "contracts/aws/bronze/b_invoices/b_invoices.operations.yaml": """
        criticality: high
        expected_frequency: hourly
        freshness_sla_minutes: 90
        alert_on_failure: true
        runbook_url: https://wiki.acme.example/runbooks/invoices
        ownership: {business_owner: finance-ops, technical_owner: data-platform}
        tags: {cost_center: "4711"}
    """,
    "contracts/aws/bronze/b_invoices/b_invoices.access.yaml": """
        access_policy: {mode: apply, on_drift: warn, revoke_unmanaged: false}
        grants:
          - principal: arn:aws:iam::111122223333:role/FinanceAnalyst
            privileges: [SELECT, DESCRIBE]
        row_filters:
          - name: eu_only
            function: security.region_filter
            columns: [region]
            applies_to: {principals: [arn:aws:iam::111122223333:role/EuAnalyst]}
        column_masks:
          customer_email: {function: security.mask_email, applies_to: {principals: [support]}}
    """,
    "contracts/aws/bronze/b_customers/b_customers.ingestion.yaml": """
        source:
          type: connection
          connection_path: project://connections/billing_pg.yaml
          table: public.customers
          read: {partition_column: id, lower_bound: 1, upper_bound: 500000, num_partitions: 8}
        target: {table: b_customers}
        layer: bronze
        mode: upsert
        merge_keys: [id]
    """,
    "contracts/aws/silver/s_customer_billing/s_customer_billing.ingestion.yaml": """
        source:
          type: sql
          query: |
            SELECT customer_id, count(*) AS invoices, sum(total) AS billed
            FROM {{ table_ref:bronze.b_invoices }}
            GROUP BY customer_id
        target: {catalog: acme, schema: billing_silver, table: s_customer_billing}
        layer: silver
        mode: overwrite
        quality_rules:
          not_null: [customer_id]
          min_rows: 1
    """,
}


def test_reference_example_project(tmp_path: Path):
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    project = load_project(tmp_path)
    assert not [w for w in project.warnings if w.severity == "warning"]
    invoices = project.step("b_invoices").bundle
    assert invoices.contract.mode == "scd1_hash_diff"
    assert invoices.access.column_masks[0].column == "customer_email"
    assert invoices.annotations.columns["customer_email"].pii.type == "email"
    assert invoices.contract.extensions.aws.glue_job.number_of_workers == 4

    customers = project.step("b_customers").bundle
    filled = {d["path"] for d in customers.decisions}
    assert filled == {
        "target.catalog",
        "target.schema",
        "schema_policy",
        "operations.ownership",
        "quality_rules.unique_key",
        "quality_rules.not_null",
    }
    contract = customers.contract
    assert (contract.target.catalog, contract.target.schema_name, contract.schema_policy) == (
        "acme",
        "billing_bronze",
        "permissive",
    )
    assert contract.source.connector == "postgres" and contract.source.read["fetchsize"] == 10000
    assert contract.quality_rules.unique_key == ("id",) and contract.quality_rules.not_null == ("id",)

    silver = project.step("s_customer_billing")
    assert silver.contract.schema_policy == "additive_only"  # layer map default
    [ref] = project.refs
    assert ref.producer == "b_invoices" and ref.identifier == "glue_catalog.acme_billing_bronze.b_invoices"
    assert project.environment.aws.step_functions.role_arn.endswith("CfStates")
    assert project.project.schedule.timezone == "Europe/Berlin"
