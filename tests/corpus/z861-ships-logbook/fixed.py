# Token tagger for digitised 19th-century ship logbooks: marks vessel names,
# positions and weather words so the archive team can index the entries.
import random

import torch
import torch.nn as nn

TAGS = ["O", "VESSEL", "LAT", "LON", "WIND"]
PAD_TAG = -100

LOG_LINES = [
    ("spoke the Mary Ann at 41N 32W fresh gale", "O O VESSEL VESSEL O LAT LON WIND WIND"),
    ("light airs at 12S 04E", "WIND WIND O LAT LON"),
    ("sighted Endeavour bearing north strong breeze from 38N 70W", "O VESSEL O O WIND WIND O LAT LON"),
    ("calm all day", "WIND O O"),
    ("passed the brig Hope at 22N 18W moderate squalls", "O O O VESSEL O LAT LON WIND WIND"),
    ("heavy swell 50S 65W", "WIND WIND LAT LON"),
]


class LogbookVocabulary:
    def __init__(self):
        self._word_to_id = {"<pad>": 0, "<unk>": 1}

    def get_size(self):
        return len(self._word_to_id)

    def get_id(self, word):
        return self._word_to_id.get(word.lower(), 1)

    def add_sentence(self, sentence):
        for w in sentence.split():
            self._word_to_id.setdefault(w.lower(), len(self._word_to_id))


class LogbookTagger(nn.Module):
    def __init__(self, vocab_size, num_tags, dim=32):
        super().__init__()
        self._embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self._encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self._head = nn.Linear(dim, num_tags)

    def forward(self, word_ids, pad_positions):
        h = self._encoder(self._embed(word_ids), src_key_padding_mask=pad_positions)
        return self._head(h)


def iterate_batches(pairs, batch_size):
    for start in range(0, len(pairs), batch_size):
        yield pairs[start:start + batch_size]


class AbstractTrainer:
    def __init__(self, epochs):
        self._epochs = epochs

    def get_epochs(self):
        return self._epochs

    def run(self):
        self.prepare_data()
        self.build_model()
        for epoch in range(self.get_epochs()):
            total = 0.0
            for batch in self.get_batches():
                total += self.train_step(batch)
            print(f"epoch {epoch + 1}/{self.get_epochs()} loss {total:.4f}")
        self.evaluate()

    def prepare_data(self):
        raise NotImplementedError

    def build_model(self):
        raise NotImplementedError

    def get_batches(self):
        raise NotImplementedError

    def train_step(self, batch):
        raise NotImplementedError

    def evaluate(self):
        raise NotImplementedError


class LogbookTrainer(AbstractTrainer):
    def __init__(self):
        super().__init__(epochs=4)
        self._vocab = LogbookVocabulary()
        self._pairs = []
        self._model = None
        self._optimizer = None
        self._criterion = nn.CrossEntropyLoss(ignore_index=PAD_TAG)

    def get_model(self):
        return self._model

    def prepare_data(self):
        for line, tags in LOG_LINES:
            self._vocab.add_sentence(line)
            self._pairs.append(([self._vocab.get_id(w) for w in line.split()],
                                [TAGS.index(t) for t in tags.split()]))
        print(f"vocabulary: {self._vocab.get_size()} words, {len(self._pairs)} log lines")

    def build_model(self):
        self._model = LogbookTagger(self._vocab.get_size(), len(TAGS))
        self._optimizer = torch.optim.Adam(self._model.parameters(), lr=3e-3)

    def _collate(self, chunk):
        longest = max(len(ids) for ids, _ in chunk)
        word_ids = torch.zeros(len(chunk), longest, dtype=torch.long)
        tag_ids = torch.full((len(chunk), longest), PAD_TAG, dtype=torch.long)
        for row, (ids, tags) in enumerate(chunk):
            word_ids[row, :len(ids)] = torch.tensor(ids)
            tag_ids[row, :len(tags)] = torch.tensor(tags)
        return word_ids, word_ids.eq(0), tag_ids

    def get_batches(self):
        return iterate_batches(self._pairs, batch_size=3)

    def train_step(self, batch):
        word_ids, pad_positions, tag_ids = self._collate(batch)
        self._model.train()
        emissions = self._model(word_ids, pad_positions)
        loss = self._criterion(emissions.transpose(1, 2), tag_ids)
        self._optimizer.zero_grad()
        loss.backward()
        self._optimizer.step()
        return loss.item()

    def evaluate(self):
        self._model.eval()
        word_ids, pad_positions, _ = self._collate(self._pairs[:2])
        with torch.no_grad():
            best = self._model(word_ids, pad_positions).argmax(-1)
        for row in best.tolist():
            print(" ".join(TAGS[t] for t in row))


class Main:
    @staticmethod
    def main():
        random.seed(0)
        torch.manual_seed(0)
        LogbookTrainer().run()


if __name__ == "__main__":
    Main.main()
