"""Settlement offers: the creditor's settlement policy (`policy`), offers made and read
(`offers`), and what a paid offer does to the case (`apply`, called by the payment handlers)."""
