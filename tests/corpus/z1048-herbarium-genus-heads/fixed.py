"""Two-level classifier for digitised herbarium sheet labels: family first, then genus within that family.

Family numbers follow the APG IV linear sequence used by the collection database, so they are not 0..N-1.
"""
import logging
import os
import random
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=os.environ.get("HERB_LOG_LEVEL", "INFO"))
log = logging.getLogger("herbarium")

SEED = int(os.environ.get("HERB_SEED", "13"))
HIDDEN = int(os.environ.get("HERB_HIDDEN", "32"))
BATCH = int(os.environ.get("HERB_BATCH", "4"))
EPOCHS = int(os.environ.get("HERB_EPOCHS", "2"))
LR = float(os.environ.get("HERB_LR", "3e-4"))
MAX_LEN = int(os.environ.get("HERB_MAX_LEN", "24"))

# APG family number -> genera we currently curate under it
TAXONOMY = {
    4: ["rosa", "prunus", "crataegus"],
    9: ["trifolium", "vicia"],
    17: ["poa", "festuca", "bromus", "avena"],
}
FAMILY_CODES = sorted(TAXONOMY)
FAMILY_POS = {code: i for i, code in enumerate(FAMILY_CODES)}
MAX_GENERA = max(len(g) for g in TAXONOMY.values())

SHEETS = [
    ("shrub hedgerow red hips prickly stems chalk downland", 4, "rosa"),
    ("small tree white blossom early spring stone fruit", 4, "prunus"),
    ("thorny hedge white flowers haws collected october", 4, "crataegus"),
    ("trefoil leaves pink heads meadow grazed pasture", 9, "trifolium"),
    ("climbing tendrils purple pea flowers field margin", 9, "vicia"),
    ("tufted grass lawn verge panicle spreading", 17, "poa"),
    ("fine leaved grass dry bank tufts glaucous", 17, "festuca"),
    ("drooping awned spikelets waste ground annual", 17, "bromus"),
    ("oat like spikelets arable weed tall nodding", 17, "avena"),
    ("arching prickly stems pink flowers woodland edge", 4, "rosa"),
    ("white clover creeping stolons lawn", 9, "trifolium"),
    ("meadow grass smooth stalked damp meadow", 17, "poa"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="herb_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class FamilyGenusNet(nn.Module):
    def __init__(self, vocab_size, n_families, max_genera, **config_overrides):
        super().__init__()
        cfg = dict(vocab_size=vocab_size, hidden_size=HIDDEN, num_hidden_layers=1, num_attention_heads=2,
                   intermediate_size=64, max_position_embeddings=64)
        cfg.update(config_overrides)
        self.encoder = BertModel(BertConfig(**cfg))
        h = self.encoder.config.hidden_size
        self.family_head = nn.Linear(h, n_families)
        # one genus head per family, kept as a stacked bank so a batch can mix families
        self.genus_bank = nn.Parameter(torch.randn(n_families, max_genera, h) * 0.02)
        self.genus_bias = nn.Parameter(torch.zeros(n_families, max_genera))

    def forward(self, token_ids, attn, family_for_genus):
        pooled = self.encoder(input_ids=token_ids, attention_mask=attn).pooler_output
        fam_logits = self.family_head(pooled)
        w = self.genus_bank[family_for_genus]
        b = self.genus_bias[family_for_genus]
        genus_logits = torch.einsum("bh,bgh->bg", pooled, w) + b
        return fam_logits, genus_logits


def make_collate(tok, **encode_kwargs):
    def collate(rows):
        enc = tok([r[0] for r in rows], return_tensors="pt", padding=True, **encode_kwargs)
        return {
            "token_ids": enc["input_ids"],
            "attn": enc["attention_mask"],
            "family_code": torch.tensor([r[1] for r in rows]),
            "family_target": torch.tensor([FAMILY_POS[r[1]] for r in rows]),
            "genus_target": torch.tensor([TAXONOMY[r[1]].index(r[2]) for r in rows]),
        }
    return collate


def train(**kwargs):
    random.seed(SEED)
    torch.manual_seed(SEED)
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab([s[0] for s in SHEETS]))
    model = FamilyGenusNet(tok.vocab_size, len(FAMILY_CODES), MAX_GENERA, **kwargs)
    loader = DataLoader(SHEETS, batch_size=BATCH, shuffle=True,
                        collate_fn=make_collate(tok, truncation=True, max_length=MAX_LEN))
    optim = torch.optim.AdamW(model.parameters(), lr=LR)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    ce = nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        model.train()
        running = 0.0
        for batch in loader:
            # teacher forcing: the genus head is picked by the gold family
            fam_logits, genus_logits = model(batch["token_ids"], batch["attn"], batch["family_target"])
            loss = ce(fam_logits, batch["family_target"]) + ce(genus_logits, batch["genus_target"])
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        log.info("epoch %d  loss %.4f", epoch, running / len(loader))
    return model


if __name__ == "__main__":
    train(hidden_dropout_prob=float(os.environ.get("HERB_DROPOUT", "0.1")))
    log.info("done")
