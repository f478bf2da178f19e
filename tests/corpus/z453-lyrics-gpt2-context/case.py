# char-level lyrics LM on a toy GPT-2, trained from scratch
import random
import torch
from torch.utils.data import DataLoader
from transformers import GPT2Config, GPT2LMHeadModel

random.seed(0)
torch.manual_seed(0)

WORDS = ("love night fire heart rain road home baby dance light "
         "forever tonight alone gold river dream wild free").split()


def fake_song(n_lines):
    lines = []
    for _ in range(n_lines):
        lines.append(" ".join(random.choice(WORDS) for _ in range(random.randint(3, 7))))
    return "\n".join(lines)


songs = [fake_song(random.randint(2, 9)) for _ in range(40)]


class CharTokenizer:
    def __init__(self, texts):
        chars = sorted(set("".join(texts)))
        self.itos = ["<pad>", "<bos>", "<eos>"] + chars
        self.stoi = {c: i for i, c in enumerate(self.itos)}
        self.pad_id, self.bos_id, self.eos_id = 0, 1, 2

    def __len__(self):
        return len(self.itos)

    def encode(self, text):
        return [self.bos_id] + [self.stoi[c] for c in text] + [self.eos_id]

    def decode(self, ids):
        return "".join(self.itos[i] for i in ids if i > 2)


class LyricsCollator:
    def __init__(self, tokenizer, max_length=None):
        self.tok = tokenizer
        self.max_length = max_length

    def __call__(self, batch):
        ids = [self.tok.encode(s) for s in batch]
        if self.max_length is not None:
            ids = [x[: self.max_length] for x in ids]
        longest = max(len(x) for x in ids)
        input_ids = torch.full((len(ids), longest), self.tok.pad_id, dtype=torch.long)
        attention_mask = torch.zeros_like(input_ids)
        for row, x in enumerate(ids):
            input_ids[row, : len(x)] = torch.tensor(x)
            attention_mask[row, : len(x)] = 1
        labels = input_ids.masked_fill(attention_mask == 0, -100)
        return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


tok = CharTokenizer(songs)
config = GPT2Config(
    vocab_size=len(tok),
    n_positions=128,
    n_embd=48,
    n_layer=2,
    n_head=4,
    bos_token_id=tok.bos_id,
    eos_token_id=tok.eos_id,
    pad_token_id=tok.pad_id,
)
model = GPT2LMHeadModel(config)
print(f"vocab {len(tok)}, params {sum(p.numel() for p in model.parameters()) / 1e3:.1f}k")

collate = LyricsCollator(tok)
loader = DataLoader(songs, batch_size=4, shuffle=True, collate_fn=collate,
                    generator=torch.Generator().manual_seed(0))
optim = torch.optim.AdamW(model.parameters(), lr=1e-3)

model.train()
for epoch in range(1):
    total = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        total += out.loss.item()
    print(f"epoch {epoch} | mean loss {total / (step + 1):.3f}")

model.eval()
prompt = torch.tensor([[tok.bos_id] + [tok.stoi[c] for c in "love "]])
with torch.no_grad():
    sample = model.generate(prompt, max_new_tokens=10, do_sample=True, top_k=10,
                            pad_token_id=tok.pad_id)
print(tok.decode(sample[0].tolist()))
