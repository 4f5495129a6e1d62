"""the whole domain

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 22:39:50.488495
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('low_stock_threshold', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('departement', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('territory', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_departement'), ['departement'], unique=False)

    op.create_table('designversion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('validated', sa.Boolean(), nullable=False),
    sa.Column('validated_for', sa.JSON(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_id', 'label')
    )
    with op.batch_alter_table('designversion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_designversion_item_id'), ['item_id'], unique=False)

    op.create_table('place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('departement', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('staff_available', sa.Integer(), nullable=False),
    sa.Column('opening_hours', sa.JSON(), nullable=False),
    sa.Column('batch_limit', sa.Integer(), nullable=True),
    sa.Column('hourly_value_cents', sa.Integer(), nullable=False),
    sa.Column('accepted_item_ids', sa.JSON(), nullable=False),
    sa.Column('auto_accept', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_departement'), ['departement'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('apitoken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apitoken_user_id'), ['user_id'], unique=False)

    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditentry_entity'), ['entity'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_entity_id'), ['entity_id'], unique=False)

    op.create_table('bomline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_version_id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['design_version_id'], ['designversion.id'], ),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('design_version_id', 'material_id')
    )
    with op.batch_alter_table('bomline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bomline_design_version_id'), ['design_version_id'], unique=False)

    op.create_table('machine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('driver', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('octoprint_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('api_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('printer_profile', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('clears_itself', sa.Boolean(), nullable=False),
    sa.Column('bed_clear', sa.Boolean(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('state_detail', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('state_checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('machine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_machine_place_id'), ['place_id'], unique=False)

    op.create_table('platelayout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_version_id', sa.Integer(), nullable=False),
    sa.Column('printer_profile', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('units_per_plate', sa.Integer(), nullable=False),
    sa.Column('print_minutes', sa.Integer(), nullable=False),
    sa.Column('gcode', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['design_version_id'], ['designversion.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('design_version_id', 'printer_profile')
    )
    with op.batch_alter_table('platelayout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platelayout_design_version_id'), ['design_version_id'], unique=False)

    op.create_table('request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=False),
    sa.Column('delivery_point', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('beneficiary', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('urgency_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('status_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_status'), ['status'], unique=False)

    op.create_table('supplyrequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('needed_by', sa.Date(), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('supplier_place_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], ),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.ForeignKeyConstraint(['supplier_place_id'], ['place.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supplyrequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplyrequest_place_id'), ['place_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('destination', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('receiver_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('refused_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_request_id'), ['request_id'], unique=False)

    op.create_table('requestline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('units_made', sa.Integer(), nullable=False),
    sa.Column('units_delivered', sa.Integer(), nullable=False),
    sa.Column('units_received', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('requestline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requestline_request_id'), ['request_id'], unique=False)

    op.create_table('deliveryline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('request_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], ),
    sa.ForeignKeyConstraint(['request_line_id'], ['requestline.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deliveryline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveryline_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveryline_request_line_id'), ['request_line_id'], unique=False)

    op.create_table('workorder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_line_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('design_version_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('accepted_quantity', sa.Integer(), nullable=False),
    sa.Column('units_made', sa.Integer(), nullable=False),
    sa.Column('units_rejected', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['design_version_id'], ['designversion.id'], ),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.ForeignKeyConstraint(['request_line_id'], ['requestline.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workorder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workorder_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workorder_request_line_id'), ['request_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workorder_status'), ['status'], unique=False)

    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('plate_layout_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('units_made', sa.Integer(), nullable=False),
    sa.Column('units_rejected', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('upload_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('dispatch_attempts', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Float(), nullable=True),
    sa.Column('dispatched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['plate_layout_id'], ['platelayout.id'], ),
    sa.ForeignKeyConstraint(['work_order_id'], ['workorder.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('upload_name')
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_machine_id'), ['machine_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('stockentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], ),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], ),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('stockentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stockentry_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stockentry_place_id'), ['place_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stockentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stockentry_place_id'))
        batch_op.drop_index(batch_op.f('ix_stockentry_material_id'))

    op.drop_table('stockentry')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_job_status'))
        batch_op.drop_index(batch_op.f('ix_job_machine_id'))

    op.drop_table('job')
    with op.batch_alter_table('workorder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workorder_status'))
        batch_op.drop_index(batch_op.f('ix_workorder_request_line_id'))
        batch_op.drop_index(batch_op.f('ix_workorder_place_id'))

    op.drop_table('workorder')
    with op.batch_alter_table('deliveryline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliveryline_request_line_id'))
        batch_op.drop_index(batch_op.f('ix_deliveryline_delivery_id'))

    op.drop_table('deliveryline')
    with op.batch_alter_table('requestline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requestline_request_id'))

    op.drop_table('requestline')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_request_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_place_id'))

    op.drop_table('delivery')
    with op.batch_alter_table('supplyrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplyrequest_place_id'))

    op.drop_table('supplyrequest')
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_status'))
        batch_op.drop_index(batch_op.f('ix_request_organisation_id'))

    op.drop_table('request')
    with op.batch_alter_table('platelayout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platelayout_design_version_id'))

    op.drop_table('platelayout')
    with op.batch_alter_table('machine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_machine_place_id'))

    op.drop_table('machine')
    with op.batch_alter_table('bomline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bomline_design_version_id'))

    op.drop_table('bomline')
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditentry_entity_id'))
        batch_op.drop_index(batch_op.f('ix_auditentry_entity'))

    op.drop_table('auditentry')
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apitoken_user_id'))

    op.drop_table('apitoken')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_organisation_id'))

    op.drop_table('user')
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_place_departement'))

    op.drop_table('place')
    with op.batch_alter_table('designversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_designversion_item_id'))

    op.drop_table('designversion')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_departement'))

    op.drop_table('organisation')
    op.drop_table('material')
    op.drop_table('item')
