# Orchid growers' forum: tag help-request posts with the likely problem.
# Length curriculum: start on short crops of each post, widen the window every epoch.
import os
import random
import tempfile
from types import SimpleNamespace

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(5)
torch.manual_seed(5)

PROBLEMS = ["root_rot", "pests", "bud_blast", "sunburn"]
POSTS = [
    ("my phalaenopsis roots are brown and mushy after repotting in fresh bark. "
     "i water every five days and the pot has no drainage holes, the leaves are going limp and yellow "
     "from the bottom up. should i cut the roots back to the green tissue and use cinnamon on the cuts, "
     "or is it too late for this plant", "root_rot"),
    ("tiny white fluffy spots under the leaves and in the crown, sticky residue on the spike", "pests"),
    ("all the buds turned yellow and dropped the week after i moved it next to the radiator", "bud_blast"),
    ("black patch on the top leaf after a day on the south window sill with no curtain", "sunburn"),
    ("little brown bumps on the leaf undersides that scrape off with a fingernail, and the plant "
     "looks weaker every week. i wiped them with alcohol but they came back, there is also some "
     "sooty mould forming on the lower leaves and a few ants marching up the pot. is this scale "
     "and will a systemic spray harm the flowers that are about to open", "pests"),
    ("roots smell sour and the sphagnum stays wet for two weeks", "root_rot"),
    ("buds shrivel before opening since the heating went on, humidity is low in the flat", "bud_blast"),
    ("bleached white spot in the middle of the leaf after moving it outside for summer, the spot "
     "has turned papery and brown at the edges now, the rest of the leaf feels hot to the touch around "
     "noon. do i need shade cloth or just bring it back inside until it hardens off a bit more", "sunburn"),
]


def make_tokenizer(texts):
    words = sorted({w.strip(".,") for t in texts for w in t.lower().split()} | {".", ","})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


class Tokenize:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def on_batch_start(self, state, batch):
        enc = self.tok([p for p, _ in batch], truncation=True, max_length=state.max_len,
                       padding="longest", return_tensors="pt")
        enc["labels"] = torch.tensor([PROBLEMS.index(y) for _, y in batch])
        state.last_width = enc["input_ids"].shape[1]
        return dict(enc)

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        pass


class LengthCurriculum:
    """Double the context window after each epoch."""

    def __init__(self, ceiling, growth=2):
        self.growth = growth
        self.ceiling = ceiling

    def on_batch_start(self, state, batch):
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        state.max_len = min(state.max_len * self.growth, self.ceiling)
        print(f"  curriculum: max_len -> {state.max_len}")


class LossTracker:
    def on_batch_start(self, state, batch):
        return batch

    def on_forward(self, state, outputs):
        state.epoch_loss += outputs.loss.item()
        return outputs

    def on_epoch_end(self, state):
        print(f"epoch {state.epoch} loss {state.epoch_loss:.3f} (widest batch {state.last_width})")
        state.epoch_loss = 0.0


class Engine:
    def __init__(self, model, callbacks, state):
        self.model, self.callbacks, self.state = model, callbacks, state
        self.optim = torch.optim.AdamW(model.parameters(), lr=2e-4)

    def step(self, raw):
        batch = raw
        for cb in self.callbacks:
            batch = cb.on_batch_start(self.state, batch)
        outputs = self.model(**batch)
        outputs.loss.backward()
        self.optim.step()
        self.optim.zero_grad()
        for cb in self.callbacks:
            outputs = cb.on_forward(self.state, outputs)

    def fit(self, data, epochs, batch_size=4):
        self.model.train()
        for ep in range(epochs):
            self.state.epoch = ep
            order = random.sample(data, len(data))
            for i in range(0, len(order), batch_size):
                self.step(order[i:i + batch_size])
            for cb in self.callbacks:
                cb.on_epoch_end(self.state)


def main():
    tokenizer = make_tokenizer(p for p, _ in POSTS)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(PROBLEMS))
    model = BertForSequenceClassification(config)
    state = SimpleNamespace(epoch=0, max_len=20, last_width=0, epoch_loss=0.0)
    engine = Engine(model, [Tokenize(tokenizer), LengthCurriculum(config.max_position_embeddings), LossTracker()], state)
    print(f"{len(POSTS)} posts, vocab {tokenizer.vocab_size}, start window {state.max_len}")
    engine.fit(POSTS, epochs=4)
    print("final window", state.max_len)


if __name__ == "__main__":
    main()
