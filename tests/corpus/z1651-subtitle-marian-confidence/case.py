"""Subtitle translation (en -> de) with a tiny Marian model and per-cue confidence.

Each cue is decoded greedily with an explicit loop so that every step's log-probs are
kept; cues whose mean token log-prob falls below a threshold get flagged for a human
subtitler to review.
"""
import torch
import torch.nn.functional as F
from transformers import MarianConfig, MarianMTModel

torch.manual_seed(5)

CUES = [
    ("where are you going", "wohin gehst du"),
    ("i am so tired tonight", "ich bin heute abend so müde"),
    ("close the door please", "mach bitte die tür zu"),
    ("we have to leave now", "wir müssen jetzt gehen"),
    ("did you see that", "hast du das gesehen"),
    ("i will call you tomorrow", "ich rufe dich morgen an"),
]
REVIEW_THRESHOLD = -2.5
SPECIALS = ["<pad>", "</s>", "<unk>"]


class CueVocab:
    def __init__(self, sentences):
        words = sorted({w for s in sentences for w in s.split()})
        self.itos = SPECIALS + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad, self.eos, self.unk = 0, 1, 2

    def encode(self, text):
        return [self.stoi.get(w, self.unk) for w in text.split()] + [self.eos]

    def decode(self, ids):
        return " ".join(self.itos[i] for i in ids if i not in (self.pad, self.eos))

    def batch(self, texts):
        rows = [self.encode(t) for t in texts]
        width = max(map(len, rows))
        ids = torch.full((len(rows), width), self.pad, dtype=torch.long)
        for r, row in enumerate(rows):
            ids[r, : len(row)] = torch.tensor(row)
        return ids, ids.ne(self.pad).long()


def train(model, vocab, epochs=20):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for ep in range(epochs):
        src_ids, src_mask = vocab.batch([en for en, _ in CUES])
        tgt_ids, _ = vocab.batch([de for _, de in CUES])
        tgt_ids = tgt_ids.masked_fill(tgt_ids == vocab.pad, -100)
        loss = model(input_ids=src_ids, attention_mask=src_mask, labels=tgt_ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        if ep % 20 == 0:
            print(f"epoch {ep}: {loss.item():.3f}")


@torch.no_grad()
def translate_with_scores(model, vocab, cues, max_len=10):
    cue_ids, cue_mask = vocab.batch(cues)
    enc = model.get_encoder()(input_ids=cue_ids, attention_mask=cue_mask)
    start = model.config.decoder_start_token_id
    hyp = torch.full((cue_ids.size(0), 1), start, dtype=torch.long)
    step_logprobs = []
    for _ in range(max_len):
        logits = model(encoder_outputs=enc, attention_mask=cue_mask, decoder_input_ids=hyp).logits
        lp = F.log_softmax(logits[:, -1], dim=-1)
        step_logprobs.append(lp)
        hyp = torch.cat([hyp, lp.argmax(-1, keepdim=True)], dim=1)
        if hyp[:, -1].eq(vocab.eos).all():
            break
    chosen = hyp[:, 1:]
    all_lp = torch.stack(step_logprobs).transpose(0, 1)
    flat_lp = all_lp.view(-1, all_lp.size(-1))
    tok_lp = flat_lp.gather(1, chosen.reshape(-1, 1)).view_as(chosen)

    finished = chosen.eq(vocab.eos).cumsum(1)
    live = (finished == 0) | (chosen.eq(vocab.eos) & (finished == 1))
    conf = (tok_lp * live).sum(1) / live.sum(1)
    return chosen, conf


def main():
    vocab = CueVocab([s for pair in CUES for s in pair])
    cfg = MarianConfig(
        vocab_size=len(vocab.itos), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=64, pad_token_id=vocab.pad,
        eos_token_id=vocab.eos, decoder_start_token_id=vocab.pad,
    )
    model = MarianMTModel(cfg)
    train(model, vocab)

    model.eval()
    incoming = ["where are you going", "close the door please", "did you call me tomorrow"]
    chosen, conf = translate_with_scores(model, vocab, incoming)
    for cue, ids, score in zip(incoming, chosen.tolist(), conf.tolist()):
        flag = "REVIEW" if score < REVIEW_THRESHOLD else "ok"
        print(f"[{flag:6}] {cue!r} -> {vocab.decode(ids)!r} ({score:.2f})")


if __name__ == "__main__":
    main()
