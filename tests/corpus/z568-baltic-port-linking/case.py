"""Port entity linker for Baltic shipping notices.

Notices to mariners / agent ETA messages mention a port in free text; we map the
notice to a UN/LOCODE entry of the regional KB. Small BERT-style encoder trained
from scratch, [CLS] vector -> linear layer over the KB entries.
"""
import logging
import random
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("portlink")

random.seed(11)
torch.manual_seed(11)

# regional KB (UN/LOCODE) the linker resolves to
BALTIC_KB = ["PLGDN", "PLGDY", "DEKEL", "DERSK", "DKCPH",
             "SESTO", "FIHEL", "EETLL", "LVRIX", "LTKLJ"]

# port calls extracted from last quarter's AIS feed (all regions), used for id ordering
AIS_PORT_CALLS = (["NLRTM"] * 9 + ["BEANR"] * 7 + ["DEHAM"] * 7 + ["DEBRV"] * 5 + ["GBFXT"] * 4
                  + ["FRLEH"] * 4 + ["ESALG"] * 3 + ["ITGOA"] * 3 + ["PLGDN"] * 3 + ["SEGOT"] * 3
                  + ["DKCPH"] * 2 + ["FIHEL"] * 2 + ["DERSK"] * 2 + ["EETLL"] * 2 + ["PLGDY"] * 2
                  + ["SESTO", "DEKEL", "LVRIX", "LTKLJ", "NOOSL", "GRPIR"])

NOTICES = [
    ("mv nordic star eta gdansk outer roads 0600 lt pilot requested", "PLGDN"),
    ("berth 4 gdynia container terminal available from tuesday", "PLGDY"),
    ("kiel canal transit then kiel holtenau lock waiting 2 hrs", "DEKEL"),
    ("ro ro ferry delayed rostock due to ice in approach channel", "DERSK"),
    ("bunkers arranged copenhagen prøvestenen agent confirmed", "DKCPH"),
    ("stockholm frihamnen cruise berth allocated for saturday", "SESTO"),
    ("icebreaker assistance required helsinki vuosaari approach", "FIHEL"),
    ("tallinn muuga grain terminal eta amended to 1400", "EETLL"),
    ("riga freeport anchorage congested expect 12 hrs wait", "LVRIX"),
    ("klaipeda smelte terminal draft restriction 10.5 m", "LTKLJ"),
    ("gdansk deepwater container terminal crane breakdown", "PLGDN"),
    ("gdynia pilot boarding point moved north due to weather", "PLGDY"),
    ("rostock overseas port tug order confirmed", "DERSK"),
    ("helsinki west harbour ferry slot changed", "FIHEL"),
    ("riga pilot station closed strong winds", "LVRIX"),
    ("klaipeda port authority notice dredging works", "LTKLJ"),
]


@dataclass
class EncoderConfig:
    vocab_size: int
    num_entities: int
    dim: int = 32
    heads: int = 2
    layers: int = 1
    max_len: int = 32
    pad_id: int = 0


class WordTokenizer:
    def __init__(self, texts):
        words = sorted({w for t in texts for w in t.split()})
        self.itos = ["[PAD]", "[CLS]", "[UNK]"] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text):
        return [1] + [self.stoi.get(w, 2) for w in text.split()]


def frequency_vocab(codes):
    counts = Counter(codes)
    return {code: i for i, (code, _) in enumerate(counts.most_common())}


class NoticeEncoder(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.dim, padding_idx=cfg.pad_id)
        self.pos = nn.Embedding(cfg.max_len, cfg.dim)
        layer = nn.TransformerEncoderLayer(cfg.dim, cfg.heads, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        self.entity_head = nn.Linear(cfg.dim, cfg.num_entities)

    def forward(self, ids, pad_positions):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.body(h, src_key_padding_mask=pad_positions)
        return self.entity_head(h[:, 0])


def make_batches(pairs, tokenizer, port2id, batch_size=4):
    order = list(range(len(pairs)))
    random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [pairs[i] for i in order[start:start + batch_size]]
        seqs = [tokenizer.encode(text) for text, _ in chunk]
        width = max(len(s) for s in seqs)
        ids = torch.zeros(len(seqs), width, dtype=torch.long)
        for row, s in enumerate(seqs):
            ids[row, :len(s)] = torch.tensor(s)
        gold = torch.tensor([port2id[code] for _, code in chunk])
        yield ids, ids.eq(0), gold


def main():
    tokenizer = WordTokenizer([t for t, _ in NOTICES])
    port2id = frequency_vocab(AIS_PORT_CALLS)
    cfg = EncoderConfig(vocab_size=len(tokenizer.itos), num_entities=len(BALTIC_KB))
    log.info("word vocab %d, KB entries %d", cfg.vocab_size, cfg.num_entities)

    model = NoticeEncoder(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(3):
        model.train()
        total = 0.0
        for ids, pads, gold in make_batches(NOTICES, tokenizer, port2id):
            logits = model(ids, pads)
            loss = F.cross_entropy(logits, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        log.info("epoch %d loss %.4f", epoch, total)

    model.eval()
    probe = "eta riga anchorage pilot requested"
    ids = torch.tensor([tokenizer.encode(probe)])
    with torch.no_grad():
        best = model(ids, ids.eq(0)).argmax(-1).item()
    print(f"{probe!r} -> {BALTIC_KB[best]}")


if __name__ == "__main__":
    main()
