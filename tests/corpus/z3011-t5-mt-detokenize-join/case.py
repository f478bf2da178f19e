import math
import random
from collections import Counter
from types import SimpleNamespace

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import T5Config, T5ForConditionalGeneration

args = SimpleNamespace(seed=3, n_train=240, n_test=12, bsz=16, epochs=8, lr=5e-3, max_new=16)
random.seed(args.seed)
torch.manual_seed(args.seed)

PAD_TOK, EOS_TOK, UNK_TOK = "<pad>", "</s>", "<unk>"
LEXICON = {
    "gato": "cat", "perro": "dog", "casa": "house", "rojo": "red", "verde": "green",
    "grande": "big", "pequeño": "small", "come": "eats", "ve": "sees", "manzana": "apple",
    "el": "the", "un": "a", "jardín": "garden", "en": "in",
}


def sample_pair():
    words = random.choices(list(LEXICON), k=random.randint(3, 8))
    return " ".join(words), " ".join(LEXICON[w] for w in words)


class WordVocab:
    def __init__(self, texts):
        counts = Counter(w for t in texts for w in t.split())
        self.itos = [PAD_TOK, EOS_TOK, UNK_TOK] + sorted(counts)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad_id, self.eos_id, self.unk_id = 0, 1, 2

    def __call__(self, text):
        return [self.stoi.get(w, self.unk_id) for w in text.split()] + [self.eos_id]


class Pairs(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        src, tgt = self.pairs[i]
        return {"src": src, "tgt": tgt}


class DataCollatorForMT:
    def __init__(self, vocab, label_pad=-100):
        self.vocab = vocab
        self.label_pad = label_pad

    @staticmethod
    def pad(seqs, value):
        n = max(len(s) for s in seqs)
        return torch.tensor([s + [value] * (n - len(s)) for s in seqs])

    def __call__(self, features):
        src_ids = [self.vocab(f["src"]) for f in features]
        tgt_ids = [self.vocab(f["tgt"]) for f in features]
        input_ids = self.pad(src_ids, self.vocab.pad_id)
        return {
            "input_ids": input_ids,
            "attention_mask": (input_ids != self.vocab.pad_id).long(),
            "labels": self.pad(tgt_ids, self.label_pad),
        }


def unigram_bleu(hyps, refs):
    match = total = 0
    hyp_len = ref_len = 0
    for h, r in zip(hyps, refs):
        h_toks, r_toks = h.split(), r.split()
        overlap = Counter(h_toks) & Counter(r_toks)
        match += sum(overlap.values())
        total += max(len(h_toks), 1)
        hyp_len += len(h_toks)
        ref_len += len(r_toks)
    bp = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / max(hyp_len, 1))
    return 100 * bp * match / total


train_pairs = [sample_pair() for _ in range(args.n_train)]
test_pairs = [sample_pair() for _ in range(args.n_test)]
vocab = WordVocab([s for p in train_pairs for s in p])

model = T5ForConditionalGeneration(T5Config(
    vocab_size=len(vocab.itos), d_model=32, d_kv=16, d_ff=64, num_layers=1, num_decoder_layers=1,
    num_heads=2, relative_attention_num_buckets=8, dropout_rate=0.0,
    pad_token_id=vocab.pad_id, eos_token_id=vocab.eos_id, decoder_start_token_id=vocab.pad_id,
))
loader = DataLoader(Pairs(train_pairs), batch_size=args.bsz, shuffle=True, collate_fn=DataCollatorForMT(vocab))
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

for epoch in range(args.epochs):
    model.train()
    losses = []
    for batch in loader:
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    print(f"epoch {epoch + 1}/{args.epochs} loss={sum(losses) / len(losses):.4f}")


@torch.no_grad()
def greedy_decode(src_text):
    enc = torch.tensor([vocab(src_text)])
    encoder_out = model.encoder(input_ids=enc)
    dec = torch.tensor([[model.config.decoder_start_token_id]])
    for _ in range(args.max_new):
        logits = model(encoder_outputs=encoder_out, decoder_input_ids=dec).logits
        next_id = logits[0, -1].argmax().view(1, 1)
        dec = torch.cat([dec, next_id], dim=1)
        if next_id.item() == vocab.eos_id:
            break
    return dec[0, 1:].tolist()


special_ids = {vocab.pad_id, vocab.eos_id}


def detokenize(ids):
    return " ".join(i for i in ids if i not in special_ids)


model.eval()
hyps = [detokenize(greedy_decode(src)) for src, _ in test_pairs]
refs = [tgt for _, tgt in test_pairs]
for (src, ref), hyp in list(zip(test_pairs, hyps))[:3]:
    print(f"{src!r} -> {hyp!r} (ref {ref!r})")
print(f"unigram BLEU: {unigram_bleu(hyps, refs):.2f}")
