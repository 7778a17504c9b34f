"""Official receipts (UPO): built from the registry row, sealed, and checked."""

from app.receipts.build import RECEIPT_NS, build_receipt
from app.receipts.check import ReceiptCheck, check_receipt

__all__ = ["RECEIPT_NS", "ReceiptCheck", "build_receipt", "check_receipt"]
