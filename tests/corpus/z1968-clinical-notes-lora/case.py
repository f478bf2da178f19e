import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

BASE_WORDS = (
    "patient reports chest pain shortness of breath denies fever cough "
    "given mg daily twice aspirin metoprolol heparin bp hr spo2 stable "
    "discharged admitted icu ward follow up normal elevated low high "
    "no history of diabetes hypertension smoker nonsmoker"
).split()
SECTION_MARKERS = ["[MED]", "[DOSE]", "[VITAL]", "[DX]"]

NOTES = [
    ("patient reports chest pain [VITAL] bp elevated hr high [MED] aspirin [DOSE] mg daily", 1),
    ("denies fever cough [VITAL] spo2 normal stable discharged follow up", 0),
    ("admitted icu shortness of breath [MED] heparin [DOSE] mg twice [DX] hypertension", 1),
    ("no history of diabetes nonsmoker [VITAL] hr normal bp normal", 0),
    ("[DX] hypertension smoker [MED] metoprolol [DOSE] mg daily follow up", 1),
    ("patient stable ward discharged [VITAL] spo2 normal", 0),
]


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS:
            fh.write(tok + "\n")
    tok = BertTokenizer(vocab_path)
    tok.add_special_tokens({"additional_special_tokens": SECTION_MARKERS})
    return tok


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank=4, alpha=8):
        super().__init__()
        self.base = base
        self.scaling = alpha / rank
        self.lora_down = nn.Linear(base.in_features, rank, bias=False)
        self.lora_up = nn.Linear(rank, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_down.weight, a=5 ** 0.5)
        nn.init.zeros_(self.lora_up.weight)

    def forward(self, x):
        return self.base(x) + self.lora_up(self.lora_down(x)) * self.scaling


def inject_lora(encoder, targets=("query", "value"), rank=4):
    for layer in encoder.encoder.layer:
        attn = layer.attention.self
        for name in targets:
            setattr(attn, name, LoRALinear(getattr(attn, name), rank=rank))


class NoteTriage(nn.Module):
    def __init__(self, encoder, n_classes=2):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(encoder.config.hidden_size, n_classes)

    def forward(self, token_ids, attn_mask):
        out = self.encoder(input_ids=token_ids, attention_mask=attn_mask)
        return self.head(out.last_hidden_state[:, 0])


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)

    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
    )
    backbone = BertModel(cfg)
    for p in backbone.parameters():
        p.requires_grad_(False)
    inject_lora(backbone, rank=4)

    model = NoteTriage(backbone)
    trainable = [p for p in model.parameters() if p.requires_grad]
    print(f"trainable params: {sum(p.numel() for p in trainable)}")
    optim = torch.optim.AdamW(trainable, lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    texts = [t for t, _ in NOTES]
    outcome = torch.tensor([y for _, y in NOTES])
    enc = tokenizer(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")

    model.train()
    for epoch in range(5):
        for start in range(0, len(texts), 2):
            sl = slice(start, start + 2)
            logits = model(enc["input_ids"][sl], enc["attention_mask"][sl])
            loss = loss_fn(logits, outcome[sl])
            optim.zero_grad()
            loss.backward()
            optim.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(enc["input_ids"], enc["attention_mask"]).argmax(-1)
    acc = (preds == outcome).float().mean().item()
    print(f"train accuracy: {acc:.2f}")


if __name__ == "__main__":
    main()
