"""stock: transfers, priced receipts, supply request follow-up, collection points, delivery times

Revision ID: 0003_stock
Revises: 0001
Create Date: 2026-11-22 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003_stock'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('collectionpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('departement', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('opening_hours', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('collectionpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collectionpoint_departement'), ['departement'], unique=False)

    with op.batch_alter_table('stockentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfer_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('supply_request_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cost_cents', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stockentry_transfer_id'), ['transfer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stockentry_supply_request_id'), ['supply_request_id'], unique=False)
        batch_op.create_foreign_key('fk_stockentry_supply_request_id', 'supplyrequest', ['supply_request_id'], ['id'])

    with op.batch_alter_table('supplyrequest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplier_name', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('quantity_supplied', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('answered_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key('fk_supplyrequest_answered_by', 'user', ['answered_by'], ['id'])

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collection_point_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('carrier_name', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('picked_up_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('refused_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key('fk_delivery_collection_point_id', 'collectionpoint',
                                    ['collection_point_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint('fk_delivery_collection_point_id', type_='foreignkey')
        batch_op.drop_column('refused_at')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('picked_up_at')
        batch_op.drop_column('carrier_name')
        batch_op.drop_column('collection_point_id')

    with op.batch_alter_table('supplyrequest', schema=None) as batch_op:
        batch_op.drop_constraint('fk_supplyrequest_answered_by', type_='foreignkey')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('answered_by')
        batch_op.drop_column('quantity_supplied')
        batch_op.drop_column('supplier_name')

    with op.batch_alter_table('stockentry', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stockentry_supply_request_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stockentry_supply_request_id'))
        batch_op.drop_index(batch_op.f('ix_stockentry_transfer_id'))
        batch_op.drop_column('cost_cents')
        batch_op.drop_column('supply_request_id')
        batch_op.drop_column('transfer_id')

    with op.batch_alter_table('collectionpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collectionpoint_departement'))

    op.drop_table('collectionpoint')
