"""Support bot: find answer spans in a dishwasher manual with a small span head."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

MANUAL_WORDS = """[PAD] [UNK] [CLS] [SEP] [MASK] the a to of and is in on for with your if
what how do i when where should which can does press hold button seconds three five ten
reset filter clean rinse aid dispenser door light blinking error code e1 e4 water drain
pump hose check remove turn off power unit minutes month once every use vinegar cycle
hot start display shows blinks open close lock child salt level refill red green .""".split()

MANUAL = [
    ("how do i reset the unit",
     "if the display shows an error code turn off the power . press and hold the start button "
     "for five seconds to reset the unit . the light will blink green when the reset is done .",
     "press and hold the start button for five seconds"),
    ("how often should i clean the filter",
     "remove the filter and rinse it with hot water . clean the filter once every month . "
     "use vinegar in a hot cycle to clean the pump and the drain hose .",
     "once every month"),
    ("what does code e4 mean",
     "error code e1 means the door is open . error code e4 means the drain hose is blocked . "
     "check the drain hose and the pump and then start a rinse cycle .",
     "the drain hose is blocked"),
    ("when should i refill the salt",
     "the red salt light blinks when the salt level is low . refill the salt when the red light "
     "blinks . the child lock is on when the green light is on .",
     "when the red light blinks"),
]

MAX_LEN = 24
DOC_STRIDE = 6
NO_ANSWER_POS = -100


class SpanReader(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.span_head = nn.Linear(config.hidden_size, 2)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        start_logits, end_logits = self.span_head(hidden).unbind(dim=-1)
        return start_logits, end_logits


def encode_manual(tok):
    questions = [q for q, _, _ in MANUAL]
    passages = [p for _, p, _ in MANUAL]
    enc = tok(questions, passages, truncation="only_second", max_length=MAX_LEN,
              stride=DOC_STRIDE, return_overflowing_tokens=True,
              return_offsets_mapping=True, padding="max_length")
    start_targets, end_targets = [], []
    for i, offsets in enumerate(enc["offset_mapping"]):
        sample = enc["overflow_to_sample_mapping"][i]
        _, passage, answer = MANUAL[sample]
        ans_lo = passage.index(answer)
        ans_hi = ans_lo + len(answer)
        seq_ids = enc.sequence_ids(i)
        ctx_lo = seq_ids.index(1)
        ctx_hi = len(seq_ids) - 1 - seq_ids[::-1].index(1)
        if offsets[ctx_lo][0] > ans_lo or offsets[ctx_hi][1] < ans_hi:
            start_targets.append(NO_ANSWER_POS)
            end_targets.append(NO_ANSWER_POS)
            continue
        s = ctx_lo
        while s <= ctx_hi and offsets[s][0] <= ans_lo:
            s += 1
        e = ctx_hi
        while e >= ctx_lo and offsets[e][1] >= ans_hi:
            e -= 1
        start_targets.append(s - 1)
        end_targets.append(e + 1)
    tensors = {k: torch.tensor(enc[k]) for k in ("input_ids", "attention_mask", "token_type_ids")}
    return tensors, torch.tensor(start_targets), torch.tensor(end_targets)


def span_loss(start_logits, end_logits, start_targets, end_targets):
    return (F.cross_entropy(start_logits, start_targets)
            + F.cross_entropy(end_logits, end_targets)) / 2


def main():
    workdir = tempfile.mkdtemp()
    vocab_file = os.path.join(workdir, "manual_vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(MANUAL_WORDS))
    tok = BertTokenizer(vocab_file)

    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    reader = SpanReader(cfg)
    feats, start_t, end_t = encode_manual(tok)
    n_windows = feats["input_ids"].shape[0]
    print(f"{len(MANUAL)} questions -> {n_windows} windows of {MAX_LEN} tokens")

    optim = torch.optim.AdamW(reader.parameters(), lr=5e-4)
    batch_size = 4
    for epoch in range(2):
        order = torch.randperm(n_windows)
        for b in range(0, n_windows, batch_size):
            idx = order[b:b + batch_size]
            s_log, e_log = reader(**{k: v[idx] for k, v in feats.items()})
            loss = span_loss(s_log, e_log, start_t[idx], end_t[idx])
            loss.backward()
            optim.step()
            optim.zero_grad()
        print(f"epoch {epoch} last loss {loss.item():.4f}")

    reader.eval()
    with torch.no_grad():
        s_log, e_log = reader(**feats)
    print("start guesses:", s_log.argmax(-1).tolist())


if __name__ == "__main__":
    main()
