"""Contract-clause classifier (tiny BERT) trained with Accelerate on pre-padded, cached encodings."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

torch.manual_seed(0)
CACHE_DIR = tempfile.mkdtemp()
CACHE_LEN = 32

CLAUSE_TYPES = ["termination", "payment", "confidentiality"]
CLAUSES = [
    ("either party may terminate this agreement with thirty days notice", "termination"),
    ("invoices are payable within fifteen days", "payment"),
    ("the receiving party shall not disclose confidential information", "confidentiality"),
    ("this agreement ends automatically on insolvency", "termination"),
    ("late payments accrue interest", "payment"),
    ("confidential information excludes public information", "confidentiality"),
]


def trim_batch(input_ids, pad_token_id, attention_mask=None):
    """Remove columns that are populated exclusively by pad_token_id."""
    keep_column_mask = input_ids.ne(pad_token_id).any(dim=0)
    if attention_mask is None:
        return input_ids[:, keep_column_mask]
    return input_ids[:, keep_column_mask], attention_mask[:, keep_column_mask]


def build_cache(tokenizer):
    """Tokenize once to a fixed width and keep the tensors around between runs."""
    enc = tokenizer([c for c, _ in CLAUSES], padding="max_length", truncation=True, max_length=CACHE_LEN,
                    return_tensors="pt")
    kinds = torch.tensor([CLAUSE_TYPES.index(k) for _, k in CLAUSES])
    torch.save({"ids": enc["input_ids"], "mask": enc["attention_mask"], "kinds": kinds},
               os.path.join(CACHE_DIR, "clauses.pt"))
    return torch.load(os.path.join(CACHE_DIR, "clauses.pt"))


words = sorted({w for c, _ in CLAUSES for w in c.split()})
with open(os.path.join(CACHE_DIR, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizerFast(os.path.join(CACHE_DIR, "vocab.txt"))

cache = build_cache(tokenizer)
loader = DataLoader(TensorDataset(cache["ids"], cache["mask"], cache["kinds"]), batch_size=3, shuffle=True)
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=37,
                                                 max_position_embeddings=64, num_labels=len(CLAUSE_TYPES)))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
accelerator = Accelerator(cpu=True)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

model.train()
for step, (ids, mask, kinds) in enumerate(loader):
    ids, mask = trim_batch(ids, tokenizer.pad_token_id, mask)  # drop all-padding columns to save compute
    out = model(input_ids=ids, attention_mask=mask, labels=kinds)
    accelerator.backward(out.loss)
    optimizer.step()
    optimizer.zero_grad()
    accelerator.print(f"step {step}: width {ids.shape[1]} loss {out.loss.item():.4f}")
