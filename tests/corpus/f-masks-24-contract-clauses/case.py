import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

JURISDICTIONS = ["[J_UK]", "[J_DE]", "[J_US]"]
WORDS = ("the supplier shall indemnify buyer against all claims liability limited to fees paid "
         "either party may terminate this agreement upon notice days written governing law courts "
         "of exclusive jurisdiction confidential information must not be disclosed third parties "
         "payment due within invoice late interest applies force majeure event delay").split()

CLAUSES = [
    ("the supplier shall indemnify buyer against all claims", "[J_UK]", "indemnity"),
    ("liability limited to fees paid", "[J_US]", "liability"),
    ("either party may terminate this agreement upon written notice", "[J_DE]", "termination"),
    ("governing law courts of exclusive jurisdiction", "[J_UK]", "governing_law"),
    ("confidential information must not be disclosed to third parties", "[J_US]", "confidentiality"),
    ("payment due within days of invoice late interest applies", "[J_DE]", "payment"),
    ("force majeure event delay", "[J_UK]", "liability"),
    ("buyer may terminate upon notice", "[J_US]", "termination"),
]
CLAUSE_TYPES = sorted({c for _, _, c in CLAUSES})


def make_tokenizer():
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + JURISDICTIONS + WORDS) + "\n")
    return BertTokenizer(path)


class ClauseClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, num_classes)

    def forward(self, token_ids, attn, extra_ids):
        # jurisdiction marker goes right after [CLS]
        ids = torch.cat([token_ids[:, :1], extra_ids.unsqueeze(1), token_ids[:, 1:]], dim=1)
        out = self.encoder(input_ids=ids, attention_mask=attn)
        return self.head(out.last_hidden_state[:, 0])


def encode_batch(tokenizer, rows):
    texts = [t for t, _, _ in rows]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=40, return_tensors="pt")
    extra = torch.tensor([tokenizer.convert_tokens_to_ids(j) for _, j, _ in rows])
    labels = torch.tensor([CLAUSE_TYPES.index(c) for _, _, c in rows])
    return enc["input_ids"], enc["attention_mask"], extra, labels


def main():
    tokenizer = make_tokenizer()
    model = ClauseClassifier(len(tokenizer), len(CLAUSE_TYPES))
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    print(f"{len(CLAUSES)} clauses, {len(CLAUSE_TYPES)} clause types, vocab {len(tokenizer)}")

    batch_size = 4
    for epoch in range(4):
        model.train()
        running = 0.0
        for start in range(0, len(CLAUSES), batch_size):
            rows = CLAUSES[start:start + batch_size]
            token_ids, attn, extra, labels = encode_batch(tokenizer, rows)
            logits = model(token_ids, attn, extra)
            loss = F.cross_entropy(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running:.4f}")

    model.eval()
    with torch.no_grad():
        token_ids, attn, extra, labels = encode_batch(tokenizer, CLAUSES)
        pred = model(token_ids, attn, extra).argmax(-1)
    print("train accuracy:", (pred == labels).float().mean().item())


if __name__ == "__main__":
    main()
