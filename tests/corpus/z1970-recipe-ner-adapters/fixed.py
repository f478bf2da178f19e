from functools import partial

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)

TAGS = ["O", "QTY", "UNIT", "ING", "PREP"]
TAG_ID = {t: i for i, t in enumerate(TAGS)}

RECIPE_LINES = [
    [("2", "QTY"), ("cups", "UNIT"), ("flour", "ING"), ("sifted", "PREP")],
    [("1", "QTY"), ("tbsp", "UNIT"), ("butter", "ING"), ("melted", "PREP")],
    [("3", "QTY"), ("large", "O"), ("eggs", "ING"), ("beaten", "PREP")],
    [("half", "QTY"), ("cup", "UNIT"), ("milk", "ING")],
    [("pinch", "UNIT"), ("of", "O"), ("salt", "ING")],
    [("4", "QTY"), ("cloves", "UNIT"), ("garlic", "ING"), ("minced", "PREP")],
    [("200", "QTY"), ("g", "UNIT"), ("sugar", "ING")],
    [("1", "QTY"), ("onion", "ING"), ("diced", "PREP"), ("finely", "O")],
]


def build_vocab(lines):
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    for line in lines:
        for word, _ in line:
            vocab.setdefault(word, len(vocab))
    return vocab


def encode_lines(lines, vocab, max_len=12):
    word_ids, tag_ids, mask = [], [], []
    for line in lines:
        ids = [vocab["[CLS]"]] + [vocab.get(w, vocab["[UNK]"]) for w, _ in line] + [vocab["[SEP]"]]
        tags = [-100] + [TAG_ID[t] for _, t in line] + [-100]
        pad = max_len - len(ids)
        word_ids.append(ids + [vocab["[PAD]"]] * pad)
        tag_ids.append(tags + [-100] * pad)
        mask.append([1] * len(ids) + [0] * pad)
    return torch.tensor(word_ids), torch.tensor(tag_ids), torch.tensor(mask)


class BottleneckAdapter(nn.Module):
    def __init__(self, hidden, bottleneck):
        super().__init__()
        self.down = nn.Linear(hidden, bottleneck)
        self.up = nn.Linear(bottleneck, hidden)
        self.act = nn.GELU()
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, h):
        return h + self.up(self.act(self.down(h)))


class AdapterTagger(nn.Module):
    def __init__(self, backbone, n_tags, bottleneck=8, adapter_every=2):
        super().__init__()
        self.backbone = backbone
        for p in backbone.parameters():
            p.requires_grad_(False)
        hidden = backbone.config.hidden_size
        n_blocks = backbone.config.num_hidden_layers
        self.adapters = nn.ModuleList(
            BottleneckAdapter(hidden, bottleneck) for _ in range(n_blocks // adapter_every)
        )
        for layer_idx, block in enumerate(backbone.encoder.layer):
            if layer_idx % adapter_every == adapter_every - 1:
                block.register_forward_hook(partial(self._after_block, layer_idx // adapter_every))
        self.classifier = nn.Linear(hidden, n_tags)

    def _after_block(self, slot, module, inputs, output):
        if isinstance(output, tuple):
            return (self.adapters[slot](output[0]),) + tuple(output[1:])
        return self.adapters[slot](output)

    def forward(self, word_ids, mask):
        hidden = self.backbone(input_ids=word_ids, attention_mask=mask).last_hidden_state
        return self.classifier(hidden)


def main():
    vocab = build_vocab(RECIPE_LINES)
    word_ids, tag_ids, mask = encode_lines(RECIPE_LINES, vocab)

    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=4,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
    )
    model = AdapterTagger(BertModel(cfg), n_tags=len(TAGS), bottleneck=8, adapter_every=2)
    trainable = [p for p in model.parameters() if p.requires_grad]
    print("adapters:", len(model.adapters), "trainable:", sum(p.numel() for p in trainable))

    optim = torch.optim.AdamW(trainable, lr=5e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    model.train()
    for step in range(20):
        scores = model(word_ids, mask)
        loss = loss_fn(scores.reshape(-1, len(TAGS)), tag_ids.reshape(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 5 == 0:
            print(f"step {step:2d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(word_ids, mask).argmax(-1)
    keep = tag_ids != -100
    print(f"token accuracy: {(pred[keep] == tag_ids[keep]).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
