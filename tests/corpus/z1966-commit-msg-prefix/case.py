"""Soft-prompt tuning of a frozen tiny GPT-2 to write commit messages from a
compact diff summary.  Only the virtual prefix embeddings are trained."""
import torch
import torch.nn as nn
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)

N_PREFIX = 12

COMMITS = [
    ("- import os + import pathlib - os.path.join ( root , name ) + pathlib.Path ( root ) / name",
     "use pathlib instead of os.path"),
    ("+ if user is None : + raise ValueError ( missing user )",
     "validate user argument"),
    ("- timeout = 10 + timeout = 30",
     "raise default timeout"),
    ("- for i in range ( len ( items ) ) : - print ( items [ i ] ) + for item in items : + print ( item )",
     "iterate over items directly"),
]


class WordVocab:
    PAD, BOS, SEP, EOS = "<pad>", "<bos>", "<sep>", "<eos>"

    def __init__(self, corpus):
        words = sorted({w for diff, msg in corpus for w in (diff + " " + msg).split()})
        self.itos = [self.PAD, self.BOS, self.SEP, self.EOS] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode_pair(self, diff, msg, max_len):
        src = [self.stoi[self.BOS]] + [self.stoi[w] for w in diff.split()] + [self.stoi[self.SEP]]
        tgt = [self.stoi[w] for w in msg.split()] + [self.stoi[self.EOS]]
        ids = (src + tgt)[:max_len]
        labels = ([-100] * len(src) + tgt)[:max_len]
        mask = [1] * len(ids)
        pad = max_len - len(ids)
        return ids + [0] * pad, labels + [-100] * pad, mask + [0] * pad


class PrefixTunedLM(nn.Module):
    def __init__(self, lm, n_prefix):
        super().__init__()
        self.lm = lm
        self.lm.requires_grad_(False)
        emb = lm.get_input_embeddings().weight
        # initialise the virtual tokens from randomly chosen real embeddings
        pick = torch.randint(0, emb.size(0), (n_prefix,))
        self.prefix = nn.Parameter(emb[pick].detach().clone())

    def forward(self, tok, mask, labels):
        b = tok.size(0)
        tok_emb = self.lm.get_input_embeddings()(tok)
        embeds = torch.cat([self.prefix.expand(b, -1, -1), tok_emb], dim=1)
        n = self.prefix.size(0)
        mask = torch.cat([mask.new_ones(b, n), mask], dim=1)
        labels = torch.cat([labels.new_full((b, n), -100), labels], dim=1)
        return self.lm(inputs_embeds=embeds, attention_mask=mask, labels=labels)


def to_tensors(pairs, vocab, max_len):
    rows = [vocab.encode_pair(d, m, max_len) for d, m in pairs]
    tok, lab, msk = zip(*rows)
    return torch.tensor(tok), torch.tensor(msk), torch.tensor(lab)


def main():
    vocab = WordVocab(COMMITS)
    cfg = GPT2Config(
        vocab_size=len(vocab), n_positions=40, n_embd=32, n_layer=2, n_head=2,
        bos_token_id=1, eos_token_id=3, pad_token_id=0,
    )
    lm = GPT2LMHeadModel(cfg)
    model = PrefixTunedLM(lm, N_PREFIX)

    max_len = lm.config.n_positions
    tok, msk, lab = to_tensors(COMMITS, vocab, max_len)
    print("batch:", tuple(tok.shape), "prefix:", N_PREFIX)

    opt = torch.optim.Adam([model.prefix], lr=3e-2)
    model.train()
    for epoch in range(15):
        out = model(tok, msk, lab)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  lm loss {out.loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        out = model(tok[:1], msk[:1], lab[:1])
        n_src = int((lab[0] == -100).sum()) - int((msk[0] == 0).sum())
        guess = out.logits[0, N_PREFIX + n_src - 1:].argmax(-1)[:6]
    print("generated:", " ".join(vocab.itos[i] for i in guess.tolist()))


if __name__ == "__main__":
    main()
